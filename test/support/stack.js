import { findFreePort } from '@sluice/local-services';
import { inject } from 'vitest';
import { spawnApp, waitForHttp } from '../harness/processes.ts';
export async function startStack(options) {
  const port = await findFreePort();
  const env = {
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
    QUEUE_PREFIX: options.queuePrefix,
    LOG_LEVEL: 'warn',
    ...options.env,
  };
  const api = spawnApp('api', 'apps/api/src/main.ts', { ...env, PORT: String(port) });
  const workers = Array.from({ length: options.workers ?? 1 }, (_, i) =>
    spawnApp(`worker-${i + 1}`, 'apps/worker/src/main.ts', {
      ...env,
      WORKER_ID: `worker-${i + 1}`,
      LOG_LEVEL: 'info',
      ...options.workerEnv,
    }),
  );
  const apiUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(`${apiUrl}/health/ready`, 30000);
  await Promise.all(workers.map((w) => w.waitForOutput(/sluice worker ready/, 30000)));
  return {
    apiUrl,
    api,
    workers,
    stop: () => Promise.all([api, ...workers].map((p) => p.stop('SIGTERM'))),
  };
}
