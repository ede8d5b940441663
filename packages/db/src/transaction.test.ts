import { sql } from 'kysely';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDatabase } from './connection.ts';
import { isTransientDatabaseError } from './postgres-errors.ts';
import { inTransaction } from './transaction.ts';

const handle = createDatabase({ url: inject('databaseUrl'), poolSize: 2 });
afterAll(() => handle.close());

const pgError = (code: string) => Object.assign(new Error(`sqlstate ${code}`), { code });

describe('isTransientDatabaseError', () => {
  it.each([
    '40001',
    '40P01',
    '55P03',
    '57014',
    '53300',
    '57P01',
    '57P02',
    '57P03',
    '08006',
    '08001',
  ])('retries %s', (code) => {
    expect(isTransientDatabaseError(pgError(code))).toBe(true);
  });
  it.each(['23505', '22P02', '42P01'])('does not retry %s', (code) => {
    expect(isTransientDatabaseError(pgError(code))).toBe(false);
  });
  it('treats a dropped connection as transient', () => {
    expect(isTransientDatabaseError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransientDatabaseError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(
      true,
    );
    expect(isTransientDatabaseError('nope')).toBe(false);
  });
});

describe('inTransaction', () => {
  it('sets statement_timeout locally and the server enforces it', async () => {
    const seen = await inTransaction(
      handle.db,
      async (trx) =>
        (await sql<{ t: string }>`select current_setting('statement_timeout') as t`.execute(trx))
          .rows[0]?.t,
      { statementTimeoutMs: 1234 },
    );
    expect(seen).toBe('1234ms');
    let tries = 0;
    await expect(
      inTransaction(
        handle.db,
        (trx) => {
          tries += 1;
          return sql`select pg_sleep(2)`.execute(trx);
        },
        { statementTimeoutMs: 200, maxAttempts: 3, maxTimeoutAttempts: 2, baseDelayMs: 1 },
      ),
    ).rejects.toMatchObject({ code: '57014' });
    // A timeout is retried, but within its own, smaller budget.
    expect(tries).toBe(2);
    // SET LOCAL: the pooled connection is back to the server default afterwards.
    const after = await sql<{
      t: string;
    }>`select current_setting('statement_timeout') as t`.execute(handle.db);
    expect(after.rows[0]?.t).toBe('0');
  });

  it('ends a transaction left idle past idleInTransactionTimeoutMs, and only that one', async () => {
    const idle = inTransaction(
      handle.db,
      async (trx) => {
        await sql`select 1`.execute(trx);
        // Waiting on something outside the database, as an upload waits on its client.
        await new Promise((r) => setTimeout(r, 1_000));
        await sql`select 2`.execute(trx);
      },
      { idleInTransactionTimeoutMs: 200 },
    );
    await expect(idle).rejects.toThrow(/terminat|idle-in-transaction|Connection/i);
    const after = await sql<{
      t: string;
    }>`select current_setting('idle_in_transaction_session_timeout') as t`.execute(handle.db);
    expect(after.rows[0]?.t).toBe('0');
  });

  it('retries a serialization failure and then succeeds', async () => {
    let calls = 0;
    const retries: number[] = [];
    const value = await inTransaction(
      handle.db,
      async () => {
        calls += 1;
        if (calls < 3) throw pgError('40001');
        return 'ok';
      },
      { maxAttempts: 5, baseDelayMs: 1, onRetry: (_e, attempt) => retries.push(attempt) },
    );
    expect(value).toBe('ok');
    expect(retries).toEqual([1, 2]);
  });

  it('retries a statement that timed out waiting on a lock, which then passes', async () => {
    await sql`create table if not exists lock_probe (id int)`.execute(handle.db);
    const holder = await handle.pool.connect();
    try {
      await holder.query('begin');
      await holder.query('lock table lock_probe in access exclusive mode');
      setTimeout(() => void holder.query('commit'), 700);
      const retries: string[] = [];
      const rows = await inTransaction(
        handle.db,
        async (trx) => (await sql`select count(*)::int as n from lock_probe`.execute(trx)).rows,
        {
          statementTimeoutMs: 300,
          maxAttempts: 10,
          baseDelayMs: 50,
          onRetry: (e) => retries.push((e as { code?: string }).code ?? '?'),
        },
      );
      expect(rows).toEqual([{ n: 0 }]);
      expect(retries.length).toBeGreaterThan(0);
      expect(new Set(retries)).toEqual(new Set(['57014']));
    } finally {
      holder.release();
    }
  });

  it('gives up after maxAttempts and never retries data errors', async () => {
    let calls = 0;
    await expect(
      inTransaction(
        handle.db,
        async () => {
          calls += 1;
          throw pgError('40P01');
        },
        { maxAttempts: 3, baseDelayMs: 1 },
      ),
    ).rejects.toMatchObject({ code: '40P01' });
    expect(calls).toBe(3);
    calls = 0;
    await expect(
      inTransaction(
        handle.db,
        async () => {
          calls += 1;
          throw pgError('23505');
        },
        { maxAttempts: 3, baseDelayMs: 1 },
      ),
    ).rejects.toMatchObject({ code: '23505' });
    expect(calls).toBe(1);
  });
});
