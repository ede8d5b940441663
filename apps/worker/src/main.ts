import { hostname } from 'node:os';
import { databasePoolOptionsOf, loadWorkerConfig } from '@sluice/config';
import { createDatabase } from '@sluice/db';
import {
  applyHeapGrowth,
  createProcessLogger,
  loadConfigOrExit,
  onShutdownSignals,
} from '@sluice/lifecycle';
import { createProducerConnection, createWorkerConnection, QUEUE_NAMES } from '@sluice/queue';
import { Piscina } from 'piscina';
import type { ChunkTask, ChunkTaskResult } from './chunk/chunk-task.ts';
import type { ThreadData } from './chunk/thread-priority.ts';
import { semiSpaceFlag } from './semi-space-flag.ts';
import { createWorkerProcess } from './worker-process.ts';

// Reads configuration, builds the process' connections and thread pool,
// starts the worker and stops it on SIGTERM/SIGINT. Everything else is
// worker-process.ts.
const config = loadConfigOrExit(loadWorkerConfig);
const workerId = config.WORKER_ID ?? `${hostname()}-${process.pid}`;
const logger = createProcessLogger({
  process: 'worker',
  level: config.LOG_LEVEL,
  fields: { workerId },
});
const overriding = semiSpaceFlag(process.execArgv, process.env.NODE_OPTIONS);
if (overriding !== undefined) {
  logger.warn(
    { flag: overriding, threadYoungGenerationMb: config.THREAD_YOUNG_GENERATION_MB },
    'a process-wide V8 semi-space size overrides THREAD_YOUNG_GENERATION_MB for the normalizing threads (slower chunks): remove it from the worker NODE_OPTIONS',
  );
}
// Before the thread pool and the first chunk (@sluice/lifecycle heap-growth.ts).
const heapGrowth = applyHeapGrowth(config.HEAP_GROWING_PERCENT);
const redisError = (err: Error) => logger.warn({ err: err.message }, 'redis connection error');
const redisConnection = (name: string, fn = createWorkerConnection) =>
  fn({ target: config.redis, connectionName: `sluice-${name}-${workerId}`, onError: redisError });

const worker = createWorkerProcess({
  config,
  workerId,
  logger,
  database: createDatabase({
    url: config.DATABASE_URL,
    ...databasePoolOptionsOf(config),
    applicationName: `sluice-worker ${workerId}`.slice(0, 63),
    onPoolError: (err) => logger.warn({ err }, 'idle database connection failed'),
  }),
  redis: {
    consumers: {
      'normalize-chunk': redisConnection('chunks'),
      'finalize-job': redisConnection('jobs'),
      'purge-expired': redisConnection('maintenance'),
      'deliver-webhook': redisConnection('webhooks'),
    },
    control: redisConnection('reconciler', createProducerConnection),
  },
  pool: new Piscina<ChunkTask, ChunkTaskResult>({
    filename: new URL('./chunk/normalize-thread.ts', import.meta.url).href,
    minThreads: config.WORKER_THREADS,
    maxThreads: config.WORKER_THREADS,
    // Each thread lowers its own priority to this (chunk/thread-priority.ts).
    workerData: { nice: config.WORKER_THREAD_NICE } satisfies ThreadData,
    // A hostile chunk exhausts its thread's heap and fails that task; the
    // process and its other chunks live on.
    resourceLimits: {
      maxOldGenerationSizeMb: config.THREAD_MAX_HEAP_MB,
      maxYoungGenerationSizeMb: config.THREAD_YOUNG_GENERATION_MB,
    },
  }),
});

onShutdownSignals({
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  stoppingMessage: 'shutting down: taking no new chunks, finishing in-flight ones',
  deadlineMessage:
    'in-flight chunks did not finish in time; exiting (they will be retried elsewhere)',
  stop: worker.stop,
});
const { metricsPort } = await worker.start();
if (metricsPort !== undefined) logger.info({ port: metricsPort }, 'metrics server listening');
logger.info(
  {
    threads: config.WORKER_THREADS,
    threadNice: config.WORKER_THREAD_NICE,
    // The V8 flag set for HEAP_GROWING_PERCENT (none: V8's own factor or the command line's).
    heapGrowth: heapGrowth ?? null,
    queues: Object.values(QUEUE_NAMES),
    // How soon this worker's jobs come back if it dies: lock + stalled check.
    lockDurationMs: config.WORKER_LOCK_DURATION_MS,
    stalledIntervalMs: config.WORKER_STALLED_INTERVAL_MS,
  },
  'sluice worker ready',
);
