import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  findFreePort,
  type ServiceHandle,
  startPostgres,
  startRedis,
} from '@sluice/local-services';
import prepareDatabase from '../../harness/prepare-database.ts';
import { type AppProcess, spawnApp, waitForHttp } from '../../harness/processes.ts';
import { issueTestKey, useApiKey } from '../../support/api-keys.ts';

/**
 * Sluice on its OWN PostgreSQL and Redis, which a chaos test may stop, kill,
 * restart or flush without disturbing anything else: one API and a set of
 * workers that can be killed and replaced one by one.
 */
export interface ChaosStack<R = ServiceHandle> {
  apiUrl: string;
  postgres: ServiceHandle;
  redis: R;
  workers: AppProcess[];
  /** The WORKER_ID of each slot's current worker (what job_chunks.claimed_by records). */
  workerIds(): string[];
  /** kill -9 worker `index` and start a replacement in its slot. */
  killAndReplaceWorker(index: number): Promise<void>;
  /** Every worker's output so far, including replaced ones. */
  workerOutput(): string;
  /** SIGTERM the API and the current workers; their exit codes (graceful = 0). */
  stop(): Promise<Array<number | null>>;
}

/**
 * Short locks and stall checks so a killed worker's chunks come back in
 * seconds, a reconciler that runs every second, small chunks so a modest
 * file spans many: the same code paths as production, on a faster clock.
 */
const WORKER_ENV = {
  WORKER_THREADS: '1',
  WORKER_CONCURRENCY: '2',
  WORKER_LOCK_DURATION_MS: '4000',
  WORKER_STALLED_INTERVAL_MS: '2000',
  WORKER_MAX_STALLED_COUNT: '3',
  RECONCILE_INTERVAL_MS: '1000',
  RECONCILE_GRACE_MS: '5000',
  LOG_LEVEL: 'info',
  // Above the workloads' error counts: every error is stored, so the error
  // reports of chaos runs and the reference run must be identical (a cut
  // report holds the errors of whichever chunks committed first).
  MAX_ERROR_ROWS_PER_JOB: '1000000',
};

/** How the stack's Redis is deployed: started in `dir`, given to the apps as `env`. */
export interface RedisDeployment<R> {
  start(dir: string): Promise<R>;
  /** REDIS_URL, or REDIS_SENTINELS + REDIS_SENTINEL_MASTER, or REDIS_CLUSTER_NODES. */
  env(redis: R): Record<string, string>;
  stop(redis: R): Promise<void>;
}

/** One redis-server (REDIS_URL): the default. */
const standaloneRedis: RedisDeployment<ServiceHandle> = {
  start: (dir) => startRedis({ dataDir: join(dir, 'redis') }),
  env: (redis) => ({ REDIS_URL: redis.url }),
  stop: (redis) => redis.stop(),
};

/**
 * Worker settings on top of the chaos ones; `undefined` drops a chaos
 * setting, so the worker runs with its own default (e.g. the lock settings,
 * to test the recovery they give).
 */
type WorkerEnv = Record<string, string | undefined>;

export async function startChaosStack(options: {
  workers: number;
  workerEnv?: WorkerEnv;
  apiEnv?: Record<string, string>;
}): Promise<ChaosStack>;
export async function startChaosStack<R>(options: {
  workers: number;
  redis: RedisDeployment<R>;
  workerEnv?: WorkerEnv;
  apiEnv?: Record<string, string>;
}): Promise<ChaosStack<R>>;
export async function startChaosStack<R>(options: {
  workers: number;
  redis?: RedisDeployment<R>;
  workerEnv?: WorkerEnv;
  /** API settings on top of the chaos ones. */
  apiEnv?: Record<string, string>;
}): Promise<ChaosStack<R>> {
  const deployment = (options.redis ?? standaloneRedis) as RedisDeployment<R>;
  const dir = mkdtempSync(join(tmpdir(), 'sluice-chaos-'));
  const postgres = await startPostgres({ dataDir: join(dir, 'postgres'), durable: false });
  let redis: R | undefined;
  try {
    redis = await deployment.start(dir);
    await prepareDatabase(postgres.url);
  } catch (error) {
    await Promise.all([postgres.stop(), redis !== undefined ? deployment.stop(redis) : undefined]);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const env = {
    DATABASE_URL: postgres.url,
    ...deployment.env(redis),
    QUEUE_PREFIX: '{chaos}',
  };
  const port = await findFreePort();
  const api = spawnApp('chaos-api', 'apps/api/src/main.ts', {
    ...env,
    PORT: String(port),
    CHUNK_BYTES: '32KB',
    LOG_LEVEL: 'warn',
    // The workload's client is 127.0.0.1: no budget of its may interfere.
    RATE_LIMIT_SUBMISSIONS_PER_MINUTE: '1000000',
    RATE_LIMIT_READS_PER_MINUTE: '1000000',
    ...options.apiEnv,
  });
  let spawned = 0;
  const retired: AppProcess[] = [];
  const ids = new Map<AppProcess, string>();
  const startWorker = () => {
    spawned += 1;
    const id = `chaos-worker-${spawned}`;
    const settings = Object.entries({ ...WORKER_ENV, ...options.workerEnv }).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    );
    const worker = spawnApp(id, 'apps/worker/src/main.ts', {
      ...env,
      ...Object.fromEntries(settings),
      WORKER_ID: id,
    });
    ids.set(worker, id);
    return worker;
  };
  const workers = Array.from({ length: options.workers }, startWorker);
  const apiUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${apiUrl}/health/ready`, 30_000);
    await Promise.all(workers.map((w) => w.waitForOutput(/sluice worker ready/, 30_000)));
    useApiKey(apiUrl, (await issueTestKey(postgres.url, 'chaos')).key);
  } catch (error) {
    // A stack that never came up leaves nothing running behind it.
    await Promise.all([api, ...workers].map((p) => p.stop('SIGKILL')));
    await Promise.all([postgres.stop(), deployment.stop(redis)]);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    apiUrl,
    postgres,
    redis,
    workers,
    workerIds: () => workers.map((w) => ids.get(w)!),
    async killAndReplaceWorker(index) {
      const victim = workers[index]!;
      await victim.kill();
      retired.push(victim);
      workers[index] = startWorker();
    },
    workerOutput: () => [...retired, ...workers].map((w) => w.output()).join('\n'),
    async stop() {
      const codes = await Promise.all([api, ...workers].map((p) => p.stop('SIGTERM', 20_000)));
      await Promise.all([postgres.stop(), deployment.stop(redis)]);
      rmSync(dir, { recursive: true, force: true });
      return codes;
    },
  };
}
