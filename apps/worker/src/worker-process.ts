import type { Server } from 'node:http';
import { breakerSettingsFrom, createDependencyBreakers, logStateChange } from '@sluice/breakers';
import type { WorkerConfig } from '@sluice/config';
import {
  type DatabaseHandle,
  isPostgresUnavailableError,
  pendingDeliveriesOfJob,
} from '@sluice/db';
import type { Logger } from '@sluice/lifecycle';
import {
  createMetricsRegistry,
  createWorkerMetrics,
  registerBreakerMetrics,
  registerDbMetrics,
  registerDbPoolMetrics,
  registerQueueMetrics,
  registerWorkerRuntimeMetrics,
} from '@sluice/metrics';
import type { RedisConnection } from '@sluice/queue';
import {
  createConsumers,
  createFlowProgress,
  createQueueCounter,
  createWebhookDeliveryQueue,
  isRedisConnectionError,
  JOB_COUNT_STATES,
  type JobName,
  publishJobChange,
  schedulePurge,
} from '@sluice/queue';
import { sql } from 'kysely';
import type { Piscina } from 'piscina';
import type { ChunkTask, ChunkTaskResult } from './chunk/chunk-task.ts';
import { createChunkProcessor } from './chunk/process-chunk.ts';
import { threadHeaps } from './chunk/thread-heaps.ts';
import { createChunkFailureHandler } from './chunk-failure.ts';
import { createFinalizer } from './finalize-job.ts';
import { JobMustWait, waitIfNotReady } from './job-waits.ts';
import { startMetricsServer } from './metrics-server.ts';
import { createBreakerPause, runThroughPostgres } from './outage-policy.ts';
import { createPurge } from './purge-expired.ts';
import { createReconciler } from './reconciler.ts';
import { createWebhookDeliverer } from './webhooks/deliver-webhook.ts';
import { createDeliverySweep } from './webhooks/delivery-sweep.ts';

export interface WorkerProcessDeps {
  config: WorkerConfig;
  workerId: string;
  logger: Logger;
  database: DatabaseHandle;
  /**
   * Redis: one blocking connection per consumed queue, and a fail-fast
   * (producer) one for the reconciler, the redis breaker's probe and queue
   * depth, which errors out at once while Redis is down.
   */
  redis: { consumers: Record<JobName, RedisConnection>; control: RedisConnection };
  /** The piscina pool that parses and normalizes chunks (chunk/normalize-thread.ts). */
  pool: Piscina<ChunkTask, ChunkTaskResult>;
}

/**
 * A worker process, wired: BullMQ consumers for chunk and finalize jobs run
 * through the postgres breaker (an outage hands jobs back and pauses the
 * consumers), the reconciler, metrics. Owns its deps from here on: `stop`
 * closes them. main.ts reads configuration, builds the deps and wires signals.
 */
export function createWorkerProcess(deps: WorkerProcessDeps) {
  const { config, logger, database } = deps;
  const registry = createMetricsRegistry('worker');
  const metrics = createWorkerMetrics(registry);
  // Every statement (chunk commits, the import merge, the reconciler) and
  // connection failure of this process, from here on.
  database.observe(registerDbMetrics(registry, { poolMax: database.poolMax }));

  const breakers = createDependencyBreakers({
    settings: breakerSettingsFrom(config),
    postgres: {
      isFailure: isPostgresUnavailableError,
      probe: () => sql`select 1`.execute(database.db),
    },
    redis: { isFailure: isRedisConnectionError, probe: () => deps.redis.control.ping() },
    onStateChange: (dependency, state, previous) => {
      logStateChange(logger, dependency, state, previous);
      pause.sync();
    },
  });
  // Once the breaker opens, no call in flight keeps connecting (its probe tries once).
  database.retryConnectsWhile(() => breakers.postgres.allowsCalls());
  // Wakes the API's event streams of the job (GET /v1/jobs/{id}/events). A
  // lost announcement only delays an event: the API re-reads PostgreSQL on
  // each heartbeat. Never fails the work that announces it.
  const announce = (jobId: string) => {
    publishJobChange(deps.redis.control, config.QUEUE_PREFIX, jobId).catch((err: unknown) =>
      logger.debug({ err, jobId }, 'could not announce a job change'),
    );
  };
  // Webhooks: a job that became final has its deliveries recorded in
  // PostgreSQL (the outbox, same transaction); they are enqueued here once
  // it committed. A failure to enqueue loses nothing: the sweep finds them.
  const webhookQueue = createWebhookDeliveryQueue({
    connection: deps.redis.control,
    prefix: config.QUEUE_PREFIX,
    attempts: config.WEBHOOK_MAX_ATTEMPTS,
    backoffMs: config.WEBHOOK_BACKOFF_MS,
  });
  const dispatchWebhooks = (jobId: string) => {
    pendingDeliveriesOfJob(database.db, jobId)
      .then((rounds) => webhookQueue.enqueue(rounds))
      .catch((err: unknown) =>
        logger.warn({ err, jobId }, 'could not enqueue webhook deliveries; the sweep will'),
      );
  };
  const finished = (jobId: string) => {
    announce(jobId);
    dispatchWebhooks(jobId);
  };
  // The finalize parent's progress in Bull Board (a share of its chunks done).
  const flowProgress = createFlowProgress({
    connection: deps.redis.control,
    prefix: config.QUEUE_PREFIX,
  });
  const reportProgress = (report: Promise<void>, jobId: string) => {
    report.catch((err: unknown) => logger.debug({ err, jobId }, 'could not report job progress'));
  };
  const deliverWebhook = createWebhookDeliverer({
    db: database.db,
    metrics,
    logger,
    maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
    post: {
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_ADDRESSES,
    },
  });
  const throughPostgres = runThroughPostgres(breakers.postgres, config.BREAKER_RESET_TIMEOUT_MS);

  const errorLimits = {
    maxStoredPerJob: config.MAX_ERROR_ROWS_PER_JOB,
    failFast: { minRows: config.ERROR_RATE_MIN_ROWS, maxRate: config.MAX_ERROR_RATE },
  };
  const processChunk = createChunkProcessor({
    db: database.db,
    pool: database.pool,
    runTask: (task, signal) => deps.pool.run(task, { signal }),
    metrics,
    logger,
    workerId: deps.workerId,
    maxColumns: config.MAX_COLUMNS,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    errorLimits,
  });
  const finalize = createFinalizer({
    db: database.db,
    pool: database.pool,
    metrics,
    logger,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    importStatementTimeoutMs: config.IMPORT_STATEMENT_TIMEOUT_MS,
    importTimeoutAttempts: config.IMPORT_TIMEOUT_ATTEMPTS,
    errorLimits,
  });
  const chunkFailed = createChunkFailureHandler({ db: database.db, metrics, logger });
  const purge = createPurge({
    db: database.db,
    metrics,
    logger,
    retentionDays: config.JOB_RETENTION_DAYS,
    historyRetentionDays: config.ROW_HISTORY_RETENTION_DAYS,
    redis: deps.redis.control,
    prefix: config.QUEUE_PREFIX,
  });

  const consumers = createConsumers({
    connections: deps.redis.consumers,
    prefix: config.QUEUE_PREFIX,
    settings: {
      concurrency: {
        // One chunk per thread: a worker takes a chunk only when a thread is
        // free for it, so the chunks of a job spread evenly over the workers
        // running it and none waits in a busy worker's thread queue while
        // another worker idles (measured: no loss for one worker, whose load
        // and commit are short next to normalizing).
        'normalize-chunk': config.WORKER_CONCURRENCY ?? config.WORKER_THREADS,
        'finalize-job': 4,
        'purge-expired': 1,
        'deliver-webhook': config.WEBHOOK_CONCURRENCY,
      },
      // An import's merge dies with its worker too; it resumes the same way.
      lockDurationMs: config.WORKER_LOCK_DURATION_MS,
      stalledIntervalMs: config.WORKER_STALLED_INTERVAL_MS,
      maxStalledCount: config.WORKER_MAX_STALLED_COUNT,
    },
    handlers: {
      async 'normalize-chunk'(payload, attempt) {
        const outcome = await throughPostgres(() => processChunk(payload, attempt), attempt);
        if (outcome === 'failed-job') finished(payload.jobId);
        else if (outcome === 'applied') {
          announce(payload.jobId);
          // An early chunk has no parent yet.
          if (!payload.early)
            reportProgress(flowProgress.chunkApplied(payload.jobId), payload.jobId);
        }
        waitIfNotReady(outcome, attempt);
        return outcome;
      },
      async 'finalize-job'(payload, attempt) {
        const outcome = await throughPostgres(() => finalize(payload), attempt);
        if (outcome === 'completed') {
          // Before the handler returns: the job is still active, so still there.
          await flowProgress
            .finished(payload.jobId)
            .catch((err: unknown) =>
              logger.debug({ err, jobId: payload.jobId }, 'could not report job progress'),
            );
        }
        if (outcome === 'completed' || outcome === 'failed') finished(payload.jobId);
        waitIfNotReady(outcome, attempt);
        return outcome;
      },
      'purge-expired': (_payload, attempt) => throughPostgres(purge, attempt),
      'deliver-webhook': (payload, attempt) =>
        throughPostgres(() => deliverWebhook(payload), attempt),
    },
    events: {
      failed(failure, error) {
        if (failure.name === 'normalize-chunk') {
          const jobId = failure.final ? failure.payload?.jobId : undefined;
          void chunkFailed(failure, error).then(() => jobId && finished(jobId));
        } else if (failure.name === 'deliver-webhook') {
          // The delivery log in PostgreSQL has the attempt; retrying is routine.
          logger.debug(
            { err: error.message, bullJobId: failure.bullJobId },
            'webhook attempt failed',
          );
        } else {
          logger.warn({ err: error, bullJobId: failure.bullJobId }, 'finalize attempt failed');
        }
      },
      // BullMQ's own Redis calls failing: the redis breaker's failures...
      error(err) {
        logger.warn({ err: err.message }, 'worker error');
        breakers.redis.record(err);
      },
      // ...and a job completed (moved in Redis): its successes.
      completed: () => breakers.redis.record(),
      handedBack({ bullJobId, delayMs, cause }) {
        if (cause instanceof JobMustWait) {
          logger.info(
            { bullJobId, delayMs, reason: cause.message },
            'job waits: handed back to the queue without using an attempt',
          );
          return;
        }
        logger.warn(
          { bullJobId, delayMs, err: cause instanceof Error ? cause.message : String(cause) },
          'dependency unavailable: job handed back to the queue without using an attempt',
        );
      },
      handBackFailed({ bullJobId, error }) {
        logger.warn({ err: error, bullJobId }, 'could not hand a job back; it fails');
      },
      lockLost({ bullJobId }) {
        logger.warn({ bullJobId }, 'job lock lost: cancelling its attempt');
      },
      stalled({ bullJobId }) {
        logger.warn({ bullJobId }, 'job stalled (its lock expired): back in the queue');
      },
    },
  });
  const pause = createBreakerPause({ states: () => breakers.states(), consumers, logger });

  const reconciler = createReconciler({
    db: database.db,
    connection: deps.redis.control,
    prefix: config.QUEUE_PREFIX,
    logger: logger.child({ component: 'reconciler' }),
    intervalMs: config.RECONCILE_INTERVAL_MS,
    graceMs: config.RECONCILE_GRACE_MS,
    uploadAbandonAfterMs: config.UPLOAD_ABANDON_AFTER_MS,
    maxChunkClaims: config.RECONCILE_MAX_CHUNK_CLAIMS,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    onJobFailed: finished,
  });
  const deliverySweep = createDeliverySweep({
    db: database.db,
    queue: webhookQueue,
    logger: logger.child({ component: 'webhook-sweep' }),
    intervalMs: config.RECONCILE_INTERVAL_MS,
    idleMs: config.RECONCILE_GRACE_MS,
  });

  // Scrape-time gauges: queue depth (same helper as the API), pg pool, thread pool.
  const queueCounter = createQueueCounter({
    connection: deps.redis.control,
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
    () => breakers.failures(),
  );
  let stopping = false;
  registerWorkerRuntimeMetrics(registry, {
    isConsuming: () => !stopping && consumers.isConsuming('normalize-chunk'),
    pool: () => ({ utilization: deps.pool.utilization, queueSize: deps.pool.queueSize }),
    threadHeaps: () => threadHeaps(deps.pool.threads),
  });

  let metricsServer: Server | undefined;
  return {
    /** Starts taking jobs, the reconciler and (with METRICS_PORT) the metrics server. */
    async start(): Promise<{ metricsPort: number | undefined }> {
      await schedulePurge({
        connection: deps.redis.control,
        prefix: config.QUEUE_PREFIX,
        // Always: with JOB_RETENTION_DAYS=0 it still expires Idempotency-Keys.
        everyMs: config.RETENTION_PURGE_INTERVAL_MS,
      });
      consumers.start();
      reconciler.start();
      deliverySweep.start();
      if (config.METRICS_PORT === undefined) return { metricsPort: undefined };
      metricsServer = await startMetricsServer(
        registry,
        config.METRICS_PORT,
        config.METRICS_HOST,
        config.METRICS_TOKEN,
      );
      const address = metricsServer.address();
      return { metricsPort: typeof address === 'object' && address ? address.port : undefined };
    },
    /**
     * Takes no new jobs, lets the ones in flight finish and commit (the rest
     * of a job stays queued for other workers), then closes every connection.
     */
    async stop(): Promise<void> {
      stopping = true;
      pause.stop();
      await Promise.all([
        reconciler.stop(),
        deliverySweep.stop(),
        consumers.close(),
        queueCounter.close(),
      ]);
      await Promise.all([webhookQueue.close(), flowProgress.close()]);
      breakers.shutdown();
      await deps.pool.destroy();
      // BullMQ leaves connections it was given open; they are ours to close.
      for (const connection of Object.values(deps.redis.consumers)) connection.disconnect();
      deps.redis.control.disconnect();
      metricsServer?.close();
      await database.close();
    },
  };
}
