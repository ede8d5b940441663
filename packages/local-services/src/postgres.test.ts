import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ServiceHandle } from './handle.ts';
import { startPostgres } from './postgres.ts';
import { childPids, isRunning } from './process-tree.ts';

// initdb plus a real server: generous timeouts, and this file may run with
// vitest's defaults (`vitest run --root packages/local-services`).
const SLOW = { timeout: 90_000 };

let dir: string;
let postgres: ServiceHandle | undefined;

async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: postgres!.url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-local-pg-'));
});

afterAll(async () => {
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('initializes a data folder, starts, and creates the database', SLOW, async () => {
  postgres = await startPostgres({ dataDir: join(dir, 'pg'), durable: true });
  expect(postgres.url).toBe(`postgres://sluice@127.0.0.1:${postgres.port}/sluice`);
  const [row] = await query<{ db: string; enc: string; fsync: string; max: string }>(
    `select current_database() as db, pg_encoding_to_char(encoding) as enc,
            current_setting('fsync') as fsync, current_setting('max_connections') as max
       from pg_database where datname = current_database()`,
  );
  expect(row).toEqual({ db: 'sluice', enc: 'UTF8', fsync: 'on', max: '200' });
});

it('recovers committed data after kill -9 (durable)', SLOW, async () => {
  const handle = postgres!;
  await query('create table survivors (id int primary key, note text)');
  await query(`insert into survivors values (1, 'committed before the crash')`);

  // A connection that is open at crash time, like a worker's pool would be.
  const bystander = new pg.Client({ connectionString: handle.url });
  bystander.on('error', () => {});
  await bystander.connect();
  await bystander.query('begin');
  await bystander.query(`insert into survivors values (2, 'never committed')`);

  // And one in the middle of a long statement: its backend must die too, or
  // it would hold the shared memory and the restart would be refused.
  const busy = new pg.Client({ connectionString: handle.url });
  busy.on('error', () => {});
  await busy.connect();
  const longQuery = busy.query('select count(*) from generate_series(1, 1000000000)').then(
    () => 'finished',
    () => 'failed',
  );
  await new Promise((r) => setTimeout(r, 200));

  const postmaster = handle.pid!;
  const children = childPids(postmaster);
  await handle.kill('SIGKILL');
  expect(isRunning(postmaster)).toBe(false);
  expect(children.filter(isRunning)).toEqual([]);
  expect(await longQuery).toBe('failed');
  await Promise.all([bystander.end(), busy.end()].map((p) => p.catch(() => {})));

  await handle.restart();
  expect(handle.pid).not.toBe(postmaster);
  expect(await query('select id, note from survivors order by id')).toEqual([
    { id: 1, note: 'committed before the crash' },
  ]);
});

it('stop() shuts down the server and all of its processes', SLOW, async () => {
  const handle = postgres!;
  const postmaster = handle.pid!;
  const children = childPids(postmaster);
  // checkpointer, background writer, walwriter, ... (Linux /proc only)
  if (process.platform === 'linux') expect(children.length).toBeGreaterThan(2);
  await handle.stop();
  postgres = undefined;
  expect(isRunning(postmaster)).toBe(false);
  expect(children.filter(isRunning)).toEqual([]);
  await expect(
    new pg.Client({ connectionString: handle.url, connectionTimeoutMillis: 2000 }).connect(),
  ).rejects.toThrow(/ECONNREFUSED/);
});

it('restarts a stopped server on the same port and data folder', SLOW, async () => {
  postgres = await startPostgres({ dataDir: join(dir, 'pg'), durable: true });
  expect(await query<{ n: number }>('select count(*)::int as n from survivors')).toEqual([
    { n: 1 },
  ]);
});
