import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ServiceHandle,
  startPgBouncer,
  startPostgres,
  startRedis,
} from '@sluice/local-services';
import type { TestProject } from 'vitest/node';
import { findLeaks } from './leaks.ts';
import './provided-context.ts';

/**
 * Starts a throwaway PostgreSQL and Redis on free ports for one vitest project,
 * prepares the database, and on teardown fails the run if tests left
 * connections or processes behind, before stopping the servers.
 *
 * SLUICE_TEST_PGBOUNCER=1 also starts PgBouncer (transaction pooling) in front
 * of that PostgreSQL and hands its URL to the tests as `databaseUrl`, so apps
 * and tests run as they would behind a production pooler.
 */
export default async function setup(project: TestProject) {
  // Fresh folder per project and run: nothing carries over between runs. As
  // root, startPostgres hands its data folder to the postgres account.
  const harnessDir = mkdtempSync(join(tmpdir(), `sluice-test-${project.name}-`));
  const started: ServiceHandle[] = [];
  const cleanUp = async () => {
    await Promise.all(started.map((s) => s.stop()));
    rmSync(harnessDir, { recursive: true, force: true });
  };

  const throughPgBouncer = process.env.SLUICE_TEST_PGBOUNCER === '1';
  let postgres: ServiceHandle;
  let redis: ServiceHandle;
  let pgbouncer: ServiceHandle | undefined;
  try {
    const [pgResult, redisResult] = await Promise.allSettled([
      startPostgres({ dataDir: join(harnessDir, 'postgres'), durable: false }),
      startRedis({ dataDir: join(harnessDir, 'redis') }),
    ]);
    for (const r of [pgResult, redisResult]) if (r.status === 'fulfilled') started.push(r.value);
    if (pgResult.status === 'rejected') throw pgResult.reason;
    if (redisResult.status === 'rejected') throw redisResult.reason;
    postgres = pgResult.value;
    redis = redisResult.value;
    // Migrations go straight to PostgreSQL; only what the tests do goes through the pooler.
    const { default: prepareDatabase } = await import('./prepare-database.ts');
    await prepareDatabase(postgres.url);
    if (throughPgBouncer) {
      pgbouncer = await startPgBouncer({
        dataDir: join(harnessDir, 'pgbouncer'),
        upstreamUrl: postgres.url,
        poolMode: 'transaction',
        // Every app process keeps a pg pool open; fewer server connections
        // than clients is the point of a pooler (PostgreSQL allows 200).
        maxClientConn: 1000,
        defaultPoolSize: 40,
      });
      started.push(pgbouncer);
    }
  } catch (error) {
    // Do not leave one server running because the other failed.
    await cleanUp();
    throw error;
  }

  const database = pgbouncer ?? postgres;
  project.provide('databaseUrl', database.url);
  project.provide('directDatabaseUrl', postgres.url);
  project.provide('redisUrl', redis.url);
  project.provide('pgPort', database.port);
  project.provide('redisPort', redis.port);
  project.provide('harnessDir', harnessDir);

  return async () => {
    try {
      const leaks = await findLeaks({
        directDatabaseUrl: postgres.url,
        pgbouncer,
        redisUrl: redis.url,
        harnessDir,
      });
      if (leaks.length > 0) {
        throw new Error(
          `tests left things open (project ${project.name}):\n  - ${leaks.join('\n  - ')}`,
        );
      }
    } finally {
      await cleanUp();
    }
  };
}
