import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ServiceHandle } from './handle.ts';
import { startPgBouncer } from './pgbouncer.ts';
import { startPostgres } from './postgres.ts';
import { isRunning } from './process-tree.ts';

// initdb plus two real servers: generous timeouts, and this file may run with
// vitest's defaults (`vitest run --root packages/local-services`).
const SLOW = { timeout: 90_000 };

let dir: string;
let postgres: ServiceHandle | undefined;
let pgbouncer: ServiceHandle | undefined;
const clients: pg.Client[] = [];

async function connect(url: string, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName });
  client.on('error', () => {}); // a restart below hangs up on idle ones
  clients.push(client);
  await client.connect();
  return client;
}

async function one<T>(client: pg.Client, sql: string): Promise<T> {
  const { rows } = await client.query(sql);
  return Object.values(rows[0] as Record<string, unknown>)[0] as T;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-local-pgbouncer-'));
  postgres = await startPostgres({ dataDir: join(dir, 'pg'), durable: false });
  pgbouncer = await startPgBouncer({
    dataDir: join(dir, 'pgbouncer'),
    upstreamUrl: postgres.url,
    poolMode: 'transaction',
    defaultPoolSize: 2,
  });
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.end().catch(() => {})));
  await pgbouncer?.stop();
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('pools the upstream database on its own port', SLOW, async () => {
  const handle = pgbouncer!;
  expect(handle.url).toBe(`postgres://sluice@127.0.0.1:${handle.port}/sluice`);
  expect(handle.port).not.toBe(postgres!.port);
  const client = await connect(handle.url, 'pgbouncer-test');
  expect(await one<string>(client, 'select current_database()')).toBe('sluice');
  // PgBouncer forwards application_name, so pg_stat_activity still tells apps apart.
  const direct = await connect(postgres!.url, 'pgbouncer-test-direct');
  expect(
    await one<number>(
      direct,
      `select count(*)::int from pg_stat_activity where application_name = 'pgbouncer-test'`,
    ),
  ).toBe(1);
  await client.end();
  await direct.end();
});

it('runs in transaction mode: a session SET does not stay with its client', SLOW, async () => {
  const a = await connect(pgbouncer!.url, 'pgbouncer-test-a');
  const b = await connect(pgbouncer!.url, 'pgbouncer-test-b');

  // A's SET runs on some server connection, which goes back to the pool when
  // the (implicit) transaction ends.
  await a.query(`set statement_timeout = '1234'`);
  const pidOfSet = await one<number>(a, 'select pg_backend_pid()');

  // B takes that very server connection (the only one idle) and keeps it.
  await b.query('begin');
  expect(await one<number>(b, 'select pg_backend_pid()')).toBe(pidOfSet);

  // A's next transaction runs elsewhere, without A's setting...
  expect(await one<number>(a, 'select pg_backend_pid()')).not.toBe(pidOfSet);
  expect(await one<string>(a, 'show statement_timeout')).toBe('0');
  // ...which B, another client, now has: why Sluice never uses session SET.
  expect(await one<string>(b, 'show statement_timeout')).toBe('1234ms');
  await b.query('rollback');

  // SET LOCAL (set_config(..., true)) lives and dies with its transaction.
  await a.query('begin');
  await a.query(`select set_config('lock_timeout', '4321', true)`);
  expect(await one<string>(a, 'show lock_timeout')).toBe('4321ms');
  await a.query('commit');
  expect(await one<string>(a, 'show lock_timeout')).toBe('0');
  await Promise.all([a.end(), b.end()]);
});

it('stops, and restarts on the same port', SLOW, async () => {
  const handle = pgbouncer!;
  const pid = handle.pid!;
  await handle.restart();
  expect(isRunning(pid)).toBe(false);
  const client = await connect(handle.url, 'pgbouncer-test-restart');
  expect(await one<number>(client, 'select 1')).toBe(1);
  await client.end();
  await handle.stop();
  expect(isRunning(handle.pid!)).toBe(false);
  await expect(
    new pg.Client({ connectionString: handle.url, connectionTimeoutMillis: 2000 }).connect(),
  ).rejects.toThrow(/ECONNREFUSED/);
});
