import { findFreePort } from '@sluice/local-services';
import { inject } from 'vitest';
import { type AppProcess, spawnApp, waitForHttp } from '../harness/processes.ts';
import { issueTestKey, useApiKey } from './api-keys.ts';
import { checkResponsesOf } from './response-contract.ts';

/** A running Sluice (one API, N workers) on the harness' PostgreSQL and Redis. */
export interface Stack {
  apiUrl: string;
  /** A key of the stack's tenant with every scope; fetch() to apiUrl sends it (support/api-keys.ts). */
  apiKey: string;
  tenantId: string;
  api: AppProcess;
  workers: AppProcess[];
  /** Starts one more worker on this stack's queues (stopped with the rest). */
  addWorker(): Promise<AppProcess>;
  /** SIGTERM everything and return the exit codes (graceful shutdown = 0). */
  stop(): Promise<Array<number | null>>;
}

export interface StackOptions {
  /** Isolates this stack's queues from other test files on the same Redis. */
  queuePrefix: string;
  workers?: number;
  env?: Record<string, string>;
  workerEnv?: Record<string, string>;
  /**
   * The tenant its key belongs to (created if new); default: one named after
   * the queue prefix. Two stacks of one tenant see the same jobs and datasets.
   */
  tenant?: string;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const port = await findFreePort();
  const env = {
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
    QUEUE_PREFIX: options.queuePrefix,
    LOG_LEVEL: 'warn',
    // Every test client is 127.0.0.1: budgets far above any test's traffic
    // (the limiter still counts and answers its headers; rate-limits.test.ts
    // sets small ones).
    RATE_LIMIT_SUBMISSIONS_PER_MINUTE: '1000000',
    RATE_LIMIT_READS_PER_MINUTE: '1000000',
    ...options.env,
  };
  const api = spawnApp('api', 'apps/api/src/main.ts', { ...env, PORT: String(port) });
  const spawnWorker = (i: number) =>
    spawnApp(`worker-${i + 1}`, 'apps/worker/src/main.ts', {
      ...env,
      WORKER_ID: `worker-${i + 1}`,
      LOG_LEVEL: 'info',
      ...options.workerEnv,
    });
  const workers = Array.from({ length: options.workers ?? 1 }, (_, i) => spawnWorker(i));
  const apiUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(`${apiUrl}/health/ready`, 30_000);
  // Every answer of this API is held to the OpenAPI document it serves.
  await checkResponsesOf(apiUrl);
  await Promise.all(workers.map((w) => w.waitForOutput(/sluice worker ready/, 30_000)));
  // In the database this stack runs on (a test may give it its own).
  const { key, tenantId } = await issueTestKey(
    env.DATABASE_URL,
    options.tenant ?? options.queuePrefix,
  );
  useApiKey(apiUrl, key);
  return {
    apiUrl,
    apiKey: key,
    tenantId,
    api,
    workers,
    async addWorker() {
      const worker = spawnWorker(workers.length);
      workers.push(worker);
      await worker.waitForOutput(/sluice worker ready/, 30_000);
      return worker;
    },
    stop: () => Promise.all([api, ...workers].map((p) => p.stop('SIGTERM'))),
  };
}
