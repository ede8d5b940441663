import type { Server } from 'node:http';
import { hostname } from 'node:os';
import {
  BreakerOpenError,
  breakerSettingsFrom,
  createDependencyBreakers,
  isPostgresUnavailableError,
  isRedisConnectionError,
  logStateChange,
} from '@sluice/breakers';
import { ConfigError, loadWorkerConfig } from '@sluice/config';
import { createDatabase, markJobFailed } from '@sluice/db';
import {
  createMetricsRegistry,
  createWorkerMetrics,
  registerBreakerMetrics,
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
import { DelayedError, type Job, Worker } from 'bullmq';
import { sql } from 'kysely';
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

/** Set on SIGTERM/SIGINT: no more pausing or resuming for breakers. */
let stopping = false;
/** True while the workers are paused because a breaker is open. */
let pausedForBreakers = false;

// The reconciler's connection fails commands at once while Redis is down
// (producer connection): the redis breaker's probe uses it.
const reconcilerConnection = createProducerConnection({
  url: config.REDIS_URL,
  connectionName: `sluice-reconciler-${workerId}`,
  onError: redisError,
});

/**
 * Circuit breakers: chunk and finalize jobs run through the postgres breaker.
 * When a breaker opens, both BullMQ workers pause (jobs in flight go on, no
 * new ones are taken) until its probe closes it again.
 */
const breakers = createDependencyBreakers({
  settings: breakerSettingsFrom(config),
  postgres: {
    isFailure: isPostgresUnavailableError,
    probe: () => sql`select 1`.execute(database.db),
  },
  redis: { isFailure: isRedisConnectionError, probe: () => reconcilerConnection.ping() },
  onStateChange: (dependency, state, previous) => {
    logStateChange(logger, dependency, state, previous);
    syncPause();
  },
});

/**
 * A job that failed because PostgreSQL is unavailable (connection refused or
 * lost, server shutting down, breaker open) goes back to the queue, delayed,
 * WITHOUT using one of its attempts: an outage must not fail jobs. Contention
 * (deadlock, serialization failure) is retried by inTransaction and then uses
 * an attempt like any other error. The delay doubles with each
 * hand-back (attemptsStarted - attemptsMade) up to the breaker's reset
 * timeout, plus jitter. Needs the job's lock token; without one, or if the
 * move fails (lock lost), the error goes to BullMQ as an ordinary failure.
 */
async function handBackIfOutage(job: Job, token: string | undefined, error: unknown) {
  const outage = error instanceof BreakerOpenError || isPostgresUnavailableError(error);
  if (!outage || token === undefined) return;
  const handBacks = Math.max(0, job.attemptsStarted - job.attemptsMade - 1);
  const base = Math.min(config.BREAKER_RESET_TIMEOUT_MS, 500 * 2 ** Math.min(handBacks, 16));
  const delayMs = Math.round(base * (1 + Math.random() * 0.25));
  try {
    await job.moveToDelayed(Date.now() + delayMs, token);
  } catch (moveError) {
    logger.warn({ err: moveError, bullJobId: job.id }, 'could not hand a job back; it fails');
    return;
  }
  logger.warn(
    { bullJobId: job.id, delayMs, err: error instanceof Error ? error.message : String(error) },
    'dependency unavailable: job handed back to the queue without using an attempt',
  );
  throw new DelayedError();
}

const processChunk = createChunkProcessor({
  db: database.db,
  runTask: (task, signal) => pool.run(task, { signal }),
  metrics,
  logger,
  workerId,
  maxColumns: config.MAX_COLUMNS,
  statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
});

const chunkWorker = new Worker(
  QUEUE_NAMES.chunks,
  // Three parameters, like processChunk's: BullMQ then passes the abort signal.
  async (job: Job, token?: string, signal?: AbortSignal) => {
    try {
      return await breakers.postgres.run(() => processChunk(job, token, signal));
    } catch (error) {
      await handBackIfOutage(job, token, error);
      throw error;
    }
  },
  {
    connection: chunkConnection,
    prefix: config.QUEUE_PREFIX,
    // Two chunks per thread: one normalizing while the other loads or commits.
    concurrency: config.WORKER_CONCURRENCY ?? config.WORKER_THREADS * 2,
    // A killed worker's chunks come back after the lock expires (stalled
    // check). Several stalls are allowed: a chunk whose worker died twice is
    // not a bad chunk; one that keeps doing so is failed by the reconciler.
    lockDuration: config.WORKER_LOCK_DURATION_MS,
    stalledInterval: config.WORKER_STALLED_INTERVAL_MS,
    maxStalledCount: config.WORKER_MAX_STALLED_COUNT,
  },
);

const finalize = createFinalizer({
  db: database.db,
  pool: database.pool,
  metrics,
  logger,
  statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
  importStatementTimeoutMs: config.IMPORT_STATEMENT_TIMEOUT_MS,
});

const finalizeWorker = new Worker(
  QUEUE_NAMES.jobs,
  async (job: Job, token?: string) => {
    try {
      return await breakers.postgres.run(() => finalize(job));
    } catch (error) {
      await handBackIfOutage(job, token, error);
      throw error;
    }
  },
  {
    connection: finalizeConnection,
    prefix: config.QUEUE_PREFIX,
    concurrency: 4,
    // An import's merge dies with its worker too; it resumes the same way.
    lockDuration: config.WORKER_LOCK_DURATION_MS,
    stalledInterval: config.WORKER_STALLED_INTERVAL_MS,
    maxStalledCount: config.WORKER_MAX_STALLED_COUNT,
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
    const type = await markJobFailed(
      database.db,
      jobId,
      `chunk ${seq} failed after ${attempts} attempts: ${error.message}`,
    );
    if (type) metrics.jobsFinished.inc({ type, outcome: 'failed' });
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
  w.on('error', (err) => {
    logger.warn({ err: err.message }, 'worker error');
    // BullMQ's own Redis calls failing: the redis breaker's failures...
    breakers.redis.record(err);
  });
  // ...and a job completed (moved in Redis): its successes.
  w.on('completed', () => breakers.redis.record());
}

/**
 * Pauses both workers while any breaker is not closed (open, or half-open
 * with its probe deciding) and resumes them once all are closed.
 */
function syncPause() {
  if (stopping) return;
  const notClosed = Object.entries(breakers.states())
    .filter(([, state]) => state !== 'closed')
    .map(([dependency]) => dependency);
  const pause = notClosed.length > 0;
  for (const w of [chunkWorker, finalizeWorker]) {
    if (pause && !w.isPaused()) {
      // true: do not wait for jobs in flight (they finish or are handed back).
      w.pause(true).catch((err: unknown) => logger.warn({ err }, 'could not pause worker'));
    } else if (!pause && w.isPaused()) {
      void w.resume();
    }
  }
  if (pause !== pausedForBreakers) {
    pausedForBreakers = pause;
    if (pause) logger.warn({ breakers: notClosed }, 'paused: taking no jobs until breakers close');
    else logger.info('resumed: breakers closed, taking jobs again');
  }
}
const reconciler = createReconciler({
  db: database.db,
  connection: reconcilerConnection,
  prefix: config.QUEUE_PREFIX,
  logger: logger.child({ component: 'reconciler' }),
  intervalMs: config.RECONCILE_INTERVAL_MS,
  graceMs: config.RECONCILE_GRACE_MS,
  maxChunkClaims: config.RECONCILE_MAX_CHUNK_CLAIMS,
  statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
});
reconciler.start();

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
registerBreakerMetrics(
  registry,
  () => breakers.states(),
  () => breakers.refusals(),
);
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
  logger.info(
    { signal, timeoutMs: config.SHUTDOWN_TIMEOUT_MS },
    'shutting down: taking no new chunks, finishing in-flight ones',
  );
  const deadline = setTimeout(() => {
    logger.error(
      { timeoutMs: config.SHUTDOWN_TIMEOUT_MS },
      'in-flight chunks did not finish in time; exiting (they will be retried elsewhere)',
    );
    process.exit(1);
  }, config.SHUTDOWN_TIMEOUT_MS);
  deadline.unref();
  await Promise.all([
    reconciler.stop(),
    chunkWorker.close(),
    finalizeWorker.close(),
    queueCounter.close(),
  ]);
  breakers.shutdown();
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
