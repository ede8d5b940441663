import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServiceHandle, startPostgres, startRedis } from '@sluice/local-services';
import type { TestProject } from 'vitest/node';
import { findLeaks } from './leaks.ts';
import './provided-context.ts';

/**
 * Starts a throwaway PostgreSQL and Redis on free ports for one vitest project,
 * prepares the database, and on teardown fails the run if tests left
 * connections or processes behind, before stopping the servers.
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

  let postgres: ServiceHandle;
  let redis: ServiceHandle;
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
    const { default: prepareDatabase } = await import('./prepare-database.ts');
    await prepareDatabase(postgres.url);
  } catch (error) {
    // Do not leave one server running because the other failed.
    await cleanUp();
    throw error;
  }

  project.provide('databaseUrl', postgres.url);
  project.provide('redisUrl', redis.url);
  project.provide('pgPort', postgres.port);
  project.provide('redisPort', redis.port);
  project.provide('harnessDir', harnessDir);

  return async () => {
    try {
      const leaks = await findLeaks({ databaseUrl: postgres.url, redisUrl: redis.url, harnessDir });
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
