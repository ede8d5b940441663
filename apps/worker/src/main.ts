import type { Server } from 'node:http';
import { hostname } from 'node:os';
import { ConfigError, loadWorkerConfig } from '@sluice/config';
import { createDatabase, markJobFailed } from '@sluice/db';
import {
  createMetricsRegistry,
  createWorkerMetrics,
  registerDbPoolMetrics,
  registerQueueMetrics,
  registerWorkerRuntimeMetrics,
} from '@sluice/metrics';
import {
  createProducerConnection,
  createQueueCounter,
  createWorkerConnection,
  JOB_COUNT_STATES,
  normalizeChunkPayload,
  QUEUE_NAMES,
} from '@sluice/queue';
import { type Job, Worker } from 'bullmq';
import { Piscina } from 'piscina';
import type { ChunkTask, ChunkTaskResult } from './chunk-task.ts';
import { createFinalizer } from './finalize-job.ts';
import { createLogger } from './logger.ts';
import { startMetricsServer } from './metrics-server.ts';
import { createChunkProcessor } from './process-chunk.ts';
import { createReconciler } from './reconciler.ts';
import { threadHeaps } from './thread-heaps.ts';

let config: ReturnType<typeof loadWorkerConfig>;
try {
  config = loadWorkerConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}

const workerId = config.WORKER_ID ?? `${hostname()}-${process.pid}`;
const logger = createLogger(config.LOG_LEVEL, workerId);
const database = createDatabase({
  url: config.DATABASE_URL,
  poolSize: config.DATABASE_POOL_SIZE,
  applicationName: `sluice-worker ${workerId}`.slice(0, 63),
  onPoolError: (err) => logger.warn({ err }, 'idle database connection failed'),
});
const redisError = (err: Error) => logger.warn({ err: err.message }, 'redis connection error');

const pool = new Piscina<ChunkTask, ChunkTaskResult>({
  filename: new URL('./normalize-thread.ts', import.meta.url).href,
  minThreads: config.WORKER_THREADS,
  maxThreads: config.WORKER_THREADS,
  // A hostile chunk exhausts its thread's heap and fails that task; the
  // process and its other chunks live on.
  resourceLimits: {
    maxOldGenerationSizeMb: config.THREAD_MAX_HEAP_MB,
    maxYoungGenerationSizeMb: config.THREAD_YOUNG_GENERATION_MB,
  },
});

const registry = createMetricsRegistry('worker');
const metrics = createWorkerMetrics(registry);

const chunkConnection = createWorkerConnection({
  url: config.REDIS_URL,
  connectionName: `sluice-chunks-${workerId}`,
  onError: redisError,
});
const finalizeConnection = createWorkerConnection({
  url: config.REDIS_URL,
  connectionName: `sluice-jobs-${workerId}`,
  onError: redisError,
});

const chunkWorker = new Worker(
  QUEUE_NAMES.chunks,
  createChunkProcessor({
    db: database.db,
    runTask: (task, signal) => pool.run(task, { signal }),
    metrics,
    logger,
    workerId,
    maxColumns: config.MAX_COLUMNS,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
  }),
  {
    connection: chunkConnection,
    prefix: config.QUEUE_PREFIX,
    // Two chunks per thread: one normalizing while the other loads or commits.
    concurrency: config.WORKER_CONCURRENCY ?? config.WORKER_THREADS * 2,
  },
);

const finalizeWorker = new Worker(
  QUEUE_NAMES.jobs,
  createFinalizer({
    db: database.db,
    metrics,
    logger,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
  }),
  {
    connection: finalizeConnection,
    prefix: config.QUEUE_PREFIX,
    concurrency: 4,
  },
);

/** A chunk that exhausted its attempts fails its whole job: no partial results. */
async function onChunkFailed(job: Job | undefined, error: Error) {
  if (!job) return;
  const attempts = job.opts.attempts ?? 1;
  logger.warn(
    { err: error, bullJobId: job.id, attempt: job.attemptsMade, attempts },
    'chunk attempt failed',
  );
  if (job.attemptsMade < attempts) return;
  const parsed = normalizeChunkPayload.safeParse(job.data);
  if (!parsed.success) return;
  const { jobId, seq } = parsed.data;
  try {
    await markJobFailed(
      database.db,
      jobId,
      `chunk ${seq} failed after ${attempts} attempts: ${error.message}`,
    );
    metrics.jobsFinished.inc({ type: 'normalize', outcome: 'failed' });
  } catch (err) {
    logger.error({ err, jobId }, 'could not mark job failed');
  }
}
chunkWorker.on('failed', (job, error) => void onChunkFailed(job, error));
finalizeWorker.on('failed', (job, error) =>
  logger.warn({ err: error, bullJobId: job?.id }, 'finalize attempt failed'),
);
// BullMQ could not extend a chunk's lock: the chunk is (or will be) handed to
// another worker. Abort the attempt so it stops early; its commit would be
// refused anyway (attempt fencing in commitChunkResult).
chunkWorker.on('lockRenewalFailed', (bullJobIds) => {
  for (const id of bullJobIds) {
    logger.warn({ bullJobId: id }, 'chunk lock lost: cancelling its attempt');
    chunkWorker.cancelJob(id, 'lock lost');
  }
});
for (const w of [chunkWorker, finalizeWorker]) {
  w.on('error', (err) => logger.warn({ err: err.message }, 'worker error'));
}

const reconcilerConnection = createProducerConnection({
  url: config.REDIS_URL,
  connectionName: `sluice-reconciler-${workerId}`,
  onError: redisError,
});
const reconciler = createReconciler({
  db: database.db,
  connection: reconcilerConnection,
  prefix: config.QUEUE_PREFIX,
  logger: logger.child({ component: 'reconciler' }),
  intervalMs: config.RECONCILE_INTERVAL_MS,
  graceMs: config.RECONCILE_GRACE_MS,
  statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
});
reconciler.start();

let stopping = false;

// Scrape-time gauges: queue depth (same helper as the API), pg pool, thread pool.
const queueCounter = createQueueCounter({
  connection: reconcilerConnection,
  prefix: config.QUEUE_PREFIX,
});
registerQueueMetrics(registry, JOB_COUNT_STATES, () => queueCounter.counts());
registerDbPoolMetrics(registry, () => ({
  total: database.pool.totalCount,
  idle: database.pool.idleCount,
  waiting: database.pool.waitingCount,
}));
registerWorkerRuntimeMetrics(registry, {
  isConsuming: () =>
    !stopping &&
    chunkWorker.isRunning() &&
    !chunkWorker.isPaused() &&
    chunkConnection.status === 'ready',
  pool: () => ({ utilization: pool.utilization, queueSize: pool.queueSize }),
  threadHeaps: () => threadHeaps(pool.threads),
});

let metricsServer: Server | undefined;
if (config.METRICS_PORT !== undefined) {
  metricsServer = await startMetricsServer(registry, config.METRICS_PORT, config.METRICS_HOST);
  const address = metricsServer.address();
  logger.info(
    { port: typeof address === 'object' && address ? address.port : undefined },
    'metrics server listening',
  );
}
logger.info(
  { threads: config.WORKER_THREADS, queues: Object.values(QUEUE_NAMES) },
  'sluice worker ready',
);

async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down: taking no new chunks, finishing in-flight ones');
  const deadline = setTimeout(() => {
    logger.error(
      'in-flight chunks did not finish in time; exiting (they will be retried elsewhere)',
    );
    process.exit(1);
  }, 60_000);
  deadline.unref();
  await Promise.all([
    reconciler.stop(),
    chunkWorker.close(),
    finalizeWorker.close(),
    queueCounter.close(),
  ]);
  await pool.destroy();
  // BullMQ leaves connections it was given open; they are ours to close.
  chunkConnection.disconnect();
  finalizeConnection.disconnect();
  reconcilerConnection.disconnect();
  metricsServer?.close();
  await database.close();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
