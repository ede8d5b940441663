import type { Server } from 'node:http';
import { breakerSettingsFrom, createDependencyBreakers, logStateChange } from '@sluice/breakers';
import { databasePoolOptionsOf, loadApiConfig } from '@sluice/config';
import { createDatabase, isPostgresUnavailableError } from '@sluice/db';
import {
  applyHeapGrowth,
  createProcessLogger,
  loadConfigOrExit,
  onShutdownSignals,
} from '@sluice/lifecycle';
import {
  createApiMetrics,
  createMetricsRegistry,
  registerBreakerMetrics,
  registerDbMetrics,
  registerDbPoolMetrics,
  registerQueueMetrics,
} from '@sluice/metrics';
import {
  createJobChangeListener,
  createJobProducer,
  createProducerConnection,
  createQueueCounter,
  createWebhookDeliveryQueue,
  createWorkerConnection,
  describeRedis,
  isRedisConnectionError,
  JOB_COUNT_STATES,
  publishJobChange,
  QUEUE_NAMES,
} from '@sluice/queue';
import { sql } from 'kysely';
import { ADMIN_QUEUES_PATH, createAdminBoard } from './admin/bull-board.ts';
import { createApp } from './app.ts';
import { createJobEvents } from './jobs/job-events.ts';

const config = loadConfigOrExit(loadApiConfig);
const logger = createProcessLogger({ process: 'api', level: config.LOG_LEVEL });
// Before the first request (@sluice/lifecycle heap-growth.ts).
const heapGrowth = applyHeapGrowth(config.HEAP_GROWING_PERCENT);
const database = createDatabase({
  url: config.DATABASE_URL,
  ...databasePoolOptionsOf(config),
  applicationName: 'sluice-api',
  onPoolError: (err) => logger.warn({ err }, 'idle database connection failed'),
});
const redis = createProducerConnection({
  target: config.redis,
  connectionName: 'sluice-api',
  onError: (err) => logger.warn({ err: err.message }, 'redis connection error'),
});
const producer = createJobProducer({ connection: redis, prefix: config.QUEUE_PREFIX });
const webhookQueue = createWebhookDeliveryQueue({
  connection: redis,
  prefix: config.QUEUE_PREFIX,
  attempts: config.WEBHOOK_MAX_ATTEMPTS,
  backoffMs: config.WEBHOOK_BACKOFF_MS,
});
// One breaker per dependency. While open, requests that need it get 503 at
// once; after BREAKER_RESET_TIMEOUT_MS the probe (one trial query) decides.
const breakers = createDependencyBreakers({
  settings: breakerSettingsFrom(config),
  postgres: {
    isFailure: isPostgresUnavailableError,
    probe: () => sql`select 1`.execute(database.db),
  },
  redis: { isFailure: isRedisConnectionError, probe: () => redis.ping() },
  onStateChange: (dependency, state, previous) =>
    logStateChange(logger, dependency, state, previous),
});
// Once the breaker opens, no request in flight keeps connecting (DATABASE_CONNECT_RETRIES
// end at the next try) and its probe tries once.
database.retryConnectsWhile(() => breakers.postgres.allowsCalls());
const admin = createAdminBoard({
  credentials:
    config.ADMIN_USER !== undefined && config.ADMIN_PASSWORD !== undefined
      ? { user: config.ADMIN_USER, password: config.ADMIN_PASSWORD }
      : undefined,
  connection: redis,
  prefix: config.QUEUE_PREFIX,
  logger,
  publicUrl: config.PUBLIC_URL,
  allowedOrigins: config.ADMIN_ALLOWED_ORIGINS,
});
if (admin.enabled) {
  logger.info(
    { user: config.ADMIN_USER },
    `admin UI (Bull Board) at ${ADMIN_QUEUES_PATH}: HTTP Basic as ADMIN_USER`,
  );
} else {
  logger.info(
    `admin UI disabled (${ADMIN_QUEUES_PATH} answers 404): set ADMIN_USER and ADMIN_PASSWORD to enable it`,
  );
}
const queueCounter = createQueueCounter({ connection: redis, prefix: config.QUEUE_PREFIX });
const dbPool = () => ({
  total: database.pool.totalCount,
  idle: database.pool.idleCount,
  waiting: database.pool.waitingCount,
  max: database.poolMax,
});
// Job event streams: one subscriber connection for the whole process (its
// offline queue on, so subscriptions wait out a Redis restart).
const events = createJobEvents({
  db: database.db,
  listener: createJobChangeListener({
    connection: createWorkerConnection({
      target: config.redis,
      connectionName: 'sluice-api-events',
      onError: (err) => logger.warn({ err: err.message }, 'redis (job events) connection error'),
    }),
    prefix: config.QUEUE_PREFIX,
    // Announcements made while it was away are lost: read every watched job.
    onReconnect: () => events.recheck(),
    onError: (err) => logger.warn({ err: err.message }, 'job events subscription failed'),
  }),
  publish: (jobId) => publishJobChange(redis, config.QUEUE_PREFIX, jobId),
  logger,
  heartbeatMs: config.SSE_HEARTBEAT_MS,
  maxStreams: config.SSE_MAX_STREAMS,
});
const registry = createMetricsRegistry('api');
registerQueueMetrics(registry, JOB_COUNT_STATES, () => queueCounter.counts(), {
  // sluice_desired_workers: what the worker autoscaler scales on (deploy/k8s).
  desiredWorkers: {
    queue: QUEUE_NAMES.chunks,
    chunksPerWorker: config.WORKER_TARGET_CHUNKS_PER_WORKER,
  },
});
registerDbPoolMetrics(registry, dbPool);
// Every statement and connection failure of this process, from here on.
database.observe(registerDbMetrics(registry, { poolMax: database.poolMax }));
registerBreakerMetrics(
  registry,
  () => breakers.states(),
  () => breakers.refusals(),
  () => breakers.failures(),
);
const app = createApp({
  db: database.db,
  pool: database.pool,
  metricsToken: config.METRICS_TOKEN,
  apiKeyTrustMs: config.API_KEY_TRUST_MS,
  redis,
  producer,
  registry,
  metrics: createApiMetrics(registry),
  health: {
    dbPool,
    queueCounts: () => queueCounter.counts(),
    redisMode: config.redis.mode,
    redisTopology: () => describeRedis(redis, config.QUEUE_PREFIX),
  },
  logger,
  slowRequestMs: config.SLOW_REQUEST_MS,
  publicUrl: config.PUBLIC_URL,
  admin: admin.router,
  limits: {
    maxUploadBytes: config.MAX_UPLOAD_BYTES,
    maxDecompressionRatio: config.MAX_DECOMPRESSION_RATIO,
    maxWorkbookSharedStringsBytes: config.MAX_WORKBOOK_SHARED_STRINGS_BYTES,
    chunkBytes: config.CHUNK_BYTES,
    maxRecordBytes: config.MAX_RECORD_BYTES,
    maxColumns: config.MAX_COLUMNS,
  },
  statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
  importStatementTimeoutMs: config.IMPORT_STATEMENT_TIMEOUT_MS,
  idleInTransactionTimeoutMs: config.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  uploads: {
    minBytesPerSecond: config.UPLOAD_MIN_BYTES_PER_SECOND,
    rateWindowMs: config.UPLOAD_RATE_WINDOW_MS,
    maxConcurrent: config.MAX_CONCURRENT_UPLOADS,
    maxConcurrentPerClient: config.MAX_CONCURRENT_UPLOADS_PER_CLIENT,
    earlyProcessing: config.UPLOAD_EARLY_PROCESSING,
  },
  rateLimits: {
    submissionsPerMinute: config.RATE_LIMIT_SUBMISSIONS_PER_MINUTE,
    readsPerMinute: config.RATE_LIMIT_READS_PER_MINUTE,
  },
  queuePrefix: config.QUEUE_PREFIX,
  jobCacheTtlSeconds: config.JOB_CACHE_TTL_SECONDS,
  breakers,
  events,
  webhooks: { queue: webhookQueue, allowPrivateAddresses: config.WEBHOOK_ALLOW_PRIVATE_ADDRESSES },
});

const server: Server = app.listen(config.PORT, config.HOST, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  logger.info(
    // heapGrowth: the V8 flag set for HEAP_GROWING_PERCENT (none: V8's own factor or the command line's).
    { url: `http://${config.HOST}:${port}`, heapGrowth: heapGrowth ?? null },
    `sluice api listening on http://${config.HOST}:${port}`,
  );
});
server.on('error', (err) => {
  logger.fatal({ err }, 'http server failed');
  process.exit(1);
});
// No total time limit on a request: a large upload at a steady rate may take
// long. Slow bodies are cut by the rate guard (http/slow-body-guard.ts) and
// slow headers by Node's headersTimeout (60 s); an upload holds a database
// connection only while it stores a chunk.
server.requestTimeout = 0;

onShutdownSignals({
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  stoppingMessage: 'shutting down: no new connections, finishing in-flight requests',
  deadlineMessage: 'in-flight requests did not finish in time; exiting',
  async stop() {
    // Stop listening first (new connections are refused from here on); idle
    // keep-alive connections are closed now, busy ones once their response is done.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Event streams never finish by themselves: they end now (clients
    // reconnect elsewhere with their Last-Event-ID).
    await events.close();
    server.closeIdleConnections();
    const closeIdle = setInterval(() => server.closeIdleConnections(), 100);
    closeIdle.unref();
    await closed;
    clearInterval(closeIdle);
    breakers.shutdown();
    await Promise.all([producer.close(), webhookQueue.close(), queueCounter.close()]);
    await admin.close();
    redis.disconnect();
    await database.close();
  },
});
