import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, migrateToLatest } from '@sluice/db';
import { startPostgres, startRedis } from '@sluice/local-services';
import type { TestProject } from 'vitest/node';
import { findLeaks } from './leaks.ts';
import './provided-context.ts';

/**
 * Starts a throwaway PostgreSQL and Redis on free ports for one vitest project,
 * applies migrations, and on teardown fails the run if tests left connections
 * or processes behind, before stopping the servers.
 */
export default async function setup(project: TestProject) {
  const harnessDir = mkdtempSync(join(tmpdir(), `sluice-test-${project.name}-`));
  const [postgres, redis] = await Promise.all([
    startPostgres({ dataDir: join(harnessDir, 'postgres'), durable: false }),
    startRedis({ dataDir: join(harnessDir, 'redis') }),
  ]);
  const database = createDatabase({
    url: postgres.url,
    poolSize: 1,
    applicationName: 'sluice-test-setup',
  });
  try {
    await migrateToLatest(database.db);
  } finally {
    await database.close();
  }
  project.provide('databaseUrl', postgres.url);
  project.provide('redisUrl', redis.url);
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
      await Promise.all([redis.stop(), postgres.stop()]);
      rmSync(harnessDir, { recursive: true, force: true });
    }
  };
}
