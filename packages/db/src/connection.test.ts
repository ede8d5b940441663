import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDatabase } from './connection.ts';

const handle = createDatabase({ url: inject('databaseUrl'), poolSize: 1 });
const admin = new pg.Client({ connectionString: inject('databaseUrl') });
await admin.connect();

afterAll(async () => {
  await handle.close();
  await admin.end();
});

const backendPid = async () =>
  (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(handle.db)).rows[0]!.pid;

describe('broken connections', () => {
  // Without the guard in createDatabase, this test also ends in an uncaught
  // 'Connection terminated unexpectedly' (a checked-out client's 'error' event
  // with no listener), which would crash an API or worker process.
  it('a connection the server ended mid-transaction is discarded, not reused', async () => {
    // Pool of one: if the broken client went back to the pool, the next query would get it.
    const first = await backendPid();
    const attempt = handle.db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx);
      await admin.query('select pg_terminate_backend($1)', [first]);
      await sql`select 2`.execute(trx);
    });
    await expect(attempt).rejects.toThrow(/terminat|connection error|ECONNRESET/i);
    // The very next query works, on a new backend.
    const second = await backendPid();
    expect(second).not.toBe(first);
    expect(handle.pool.totalCount).toBe(1);
  });

  it('a query error that leaves the connection usable keeps it (no needless reconnects)', async () => {
    const before = await backendPid();
    await expect(sql`select 1/0`.execute(handle.db)).rejects.toThrow(/division by zero/);
    await expect(
      handle.db.transaction().execute(async (trx) => {
        await sql`select set_config('statement_timeout', '50', true)`.execute(trx);
        await sql`select pg_sleep(1)`.execute(trx);
      }),
    ).rejects.toThrow(/statement timeout/);
    expect(await backendPid()).toBe(before);
  });

  it('an idle pooled connection the server ended is replaced on next use', async () => {
    const pid = await backendPid();
    await admin.query('select pg_terminate_backend($1)', [pid]);
    // The pool drops an idle client once its socket reports the close; wait
    // for that instead of guessing a delay on a busy machine.
    const deadline = Date.now() + 10_000;
    while (handle.pool.totalCount > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(handle.pool.totalCount).toBe(0);
    expect(await backendPid()).not.toBe(pid);
  });
});
