import { readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { expect, inject, it } from 'vitest';
import { PIDS_DIR } from '../harness/leaks.ts';
import { spawnApp, waitForHttp } from '../harness/processes.ts';

// Self-test of the harness: the servers it provides work, and app processes
// can be started, watched and stopped.

it('provides a throwaway PostgreSQL with the schema applied', async () => {
  const url = inject('databaseUrl');
  expect(url).toContain(`:${inject('pgPort')}/`);
  const client = new pg.Client({ connectionString: url, application_name: 'harness-self-test' });
  await client.connect();
  try {
    const { rows } = await client.query<{ db: string; fsync: string; migrated: number }>(
      `select current_database() as db, current_setting('fsync') as fsync,
              (select count(*)::int from sluice_migrations) as migrated`,
    );
    // durable: false, so tests do not wait on disk flushes.
    expect(rows[0]).toMatchObject({ db: 'sluice', fsync: 'off' });
    expect(rows[0]?.migrated).toBeGreaterThan(0);
  } finally {
    await client.end();
  }
});

it('provides a throwaway Redis configured for BullMQ', async () => {
  const url = inject('redisUrl');
  expect(url).toBe(`redis://127.0.0.1:${inject('redisPort')}`);
  const redis = new Redis(url, { connectionName: 'harness-self-test' });
  try {
    expect(await redis.ping()).toBe('PONG');
    expect(await redis.config('GET', 'maxmemory-policy')).toEqual([
      'maxmemory-policy',
      'noeviction',
    ]);
  } finally {
    await redis.quit();
  }
});

it('spawns an app process, reads its output and stops it with SIGTERM', async () => {
  const app = spawnApp('fixture', 'test/harness/fixtures/wait-for-sigterm.ts', {
    FIXTURE_GREETING: 'hello',
  });
  try {
    expect(await app.waitForOutput(/fixture ready \(greeting: (\w+)\)/, 10_000)).toBe(
      'fixture ready (greeting: hello)',
    );
    // Recorded, so the global teardown would catch it if it were left running.
    expect(readdirSync(join(inject('harnessDir'), PIDS_DIR))).toContain(`fixture-${app.pid}`);
    expect(await app.stop()).toBe(0);
    expect(app.output()).toContain('fixture got SIGTERM');
  } finally {
    await app.kill();
  }
});

it('waitForHttp polls until the endpoint answers 2xx', async () => {
  let calls = 0;
  const server = createServer((_req, res) => {
    calls++;
    res.writeHead(calls < 3 ? 503 : 200).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await waitForHttp(`http://127.0.0.1:${port}/health`, 5_000);
    expect(calls).toBe(3);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
