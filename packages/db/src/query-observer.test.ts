import { createServer } from 'node:net';
import { sql } from 'kysely';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDatabase } from './connection.ts';
import { type QueryOperation, statementKind, withQueryOperation } from './query-observer.ts';
import { withRawClient } from './raw-client.ts';

describe('statementKind', () => {
  it.each([
    ['select 1', 'select'],
    ['  \n\tSELECT * from jobs', 'select'],
    ['select*from jobs', 'select'],
    ['insert into jobs values ($1)', 'insert'],
    ['update jobs set x = 1', 'update'],
    ['delete from jobs', 'delete'],
    ['copy t from stdin', 'copy'],
    ['begin', 'transaction'],
    ['begin isolation level repeatable read', 'transaction'],
    ['commit', 'transaction'],
    ['rollback', 'transaction'],
    ['savepoint a', 'transaction'],
    ['with x as (select 1) select * from x', 'select'],
    [
      '\n  with src as (select 1), merged as (insert into d select * from src on conflict do update set a = 1) select 1',
      'insert',
    ],
    ['with gone as (delete from t returning 1) select count(*) from gone', 'delete'],
    ['with x as (select updated_at from t) select 1', 'select'],
    ['drop table s', 'other'],
    ['selectx from t', 'other'],
    ['set local statement_timeout = 5', 'other'],
    ['', 'other'],
    [undefined, 'other'],
  ] as const)('%j is %s', (text, kind) => {
    expect(statementKind(text)).toBe(kind);
  });
});

describe('observed statements and connections', () => {
  const seen: Array<[QueryOperation, string, number]> = [];
  let connectionErrors = 0;
  const observer = {
    query: (operation: QueryOperation, outcome: string, seconds: number) =>
      seen.push([operation, outcome, seconds]),
    connectionError: () => {
      connectionErrors += 1;
    },
  };
  const handle = createDatabase({ url: inject('databaseUrl'), poolSize: 2 });
  handle.observe(observer);
  afterAll(() => handle.close());

  it('times kysely and raw-client statements by kind and outcome, named units by name', async () => {
    seen.length = 0;
    await sql`select 1`.execute(handle.db);
    await expect(sql`select 1/0`.execute(handle.db)).rejects.toThrow(/division by zero/);
    await handle.db.transaction().execute(async (trx) => {
      await sql`select 2`.execute(trx);
    });
    await withQueryOperation('merge', () =>
      withRawClient(handle.pool, async (client) => {
        await client.query('begin');
        await client.query('select 3');
        await client.query('commit');
      }),
    );
    expect(seen.map(([operation, outcome]) => `${operation}:${outcome}`)).toEqual([
      'select:ok',
      'select:error',
      'transaction:ok',
      'select:ok',
      'transaction:ok',
      'merge:ok',
      'merge:ok',
      'merge:ok',
    ]);
    for (const [, , seconds] of seen) {
      expect(seconds).toBeGreaterThanOrEqual(0);
      expect(seconds).toBeLessThan(60);
    }
    // Outside the named unit, statements are their kind again.
    await sql`select 4`.execute(handle.db);
    expect(seen.at(-1)?.[0]).toBe('select');
  });

  it('counts failed connects, each try, and retries only as configured', async () => {
    // A port nobody listens on: one just given back by a server.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const url = new URL(inject('databaseUrl'));
    url.hostname = '127.0.0.1';
    url.port = String(port);
    let failures = 0;
    const nowhere = createDatabase({
      url: url.href,
      connectRetries: 2,
      connectRetryMinMs: 1,
      connectRetryMaxMs: 5,
    });
    nowhere.observe({ query: () => {}, connectionError: () => (failures += 1) });
    await expect(sql`select 1`.execute(nowhere.db)).rejects.toThrow(/ECONNREFUSED|connect/);
    // The first try and two retries.
    expect(failures).toBe(3);
    await nowhere.close();
    expect(connectionErrors).toBe(0);
  });
});
