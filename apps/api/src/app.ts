import type { DependencyBreakers } from '@sluice/breakers';
import type { Database, DatabaseHandle } from '@sluice/db';
import type { Logger } from '@sluice/lifecycle';
import type { ApiMetrics, Registry } from '@sluice/metrics';
import type { JobProducer, RedisConnection, WebhookDeliveryQueue } from '@sluice/queue';
import express from 'express';
import type { Kysely } from 'kysely';
import { createAuthentication, principalOf } from './auth/authenticate.ts';
import { keyRoutes } from './auth/key-routes.ts';
import { datasetRoutes } from './datasets/dataset-routes.ts';
import { rowHistoryRoutes } from './datasets/row-history-routes.ts';
import { createBreakerGuard } from './http/breaker-guard.ts';
import { classifyDependencyError } from './http/dependency-errors.ts';
import { etagOnReads } from './http/etag-on-reads.ts';
import { idempotentPost } from './http/idempotent-post.ts';
import { linkBase } from './http/listen-origin.ts';
import { problemErrorHandler, routeNotFound } from './http/problem.ts';
import { createRateLimits, type RateLimitSettings } from './http/rate-limits.ts';
import { requestLog } from './http/request-log.ts';
import { compressResponses, securityHeaders } from './http/response-hygiene.ts';
import { guardBodyRate } from './http/slow-body-guard.ts';
import { refuseUnstorableQuery } from './http/storable-text.ts';
import { createUploadSlots } from './http/upload-slots.ts';
import { dryRunRoutes } from './jobs/dry-run-routes.ts';
import { createInFlightMarks } from './jobs/idempotency.ts';
import { createIntake } from './jobs/intake.ts';
import { createJobCache } from './jobs/job-cache.ts';
import { jobControlRoutes } from './jobs/job-control-routes.ts';
import { jobErrorRoutes } from './jobs/job-error-routes.ts';
import type { JobEvents } from './jobs/job-events.ts';
import { type JobRoutesDeps, jobRoutes } from './jobs/job-routes.ts';
import { revertRoutes } from './jobs/revert-routes.ts';
import type { UploadLimits } from './jobs/upload/request-body.ts';
import type { StoreLimits } from './jobs/upload/store-upload.ts';
import { normalizeRoutes } from './normalize/normalize-routes.ts';
import { openApiRoutes } from './openapi/openapi-routes.ts';
import { type HealthSources, healthRoutes } from './ops/health-routes.ts';
import { metricsRoutes } from './ops/metrics-routes.ts';
import { previewRoutes } from './previews/preview-routes.ts';
import { webRoutes } from './web/web-routes.ts';
import { deliveryRoutes } from './webhooks/delivery-routes.ts';
import { createWebhookDispatch } from './webhooks/webhook-dispatch.ts';
import { webhookRoutes } from './webhooks/webhook-routes.ts';

export interface AppDeps {
  db: Kysely<Database>;
  /** Raw pooled clients, for COPY (dataset exports). */
  pool: DatabaseHandle['pool'];
  redis: RedisConnection;
  producer: JobProducer;
  registry: Registry;
  /** How long a checked API key is trusted before PostgreSQL is asked again. */
  apiKeyTrustMs: number;
  /** When set, /metrics needs it as a Bearer token (METRICS_TOKEN). */
  metricsToken?: string | undefined;
  metrics: ApiMetrics;
  /** Pool stats and queue counts for GET /health. */
  health: HealthSources;
  logger: Logger;
  /** SLOW_REQUEST_MS: requests slower than this are logged at warn (0: never). */
  slowRequestMs?: number | undefined;
  publicUrl?: string | undefined;
  /** Bull Board at /admin/queues (apps/api/src/admin/bull-board.ts). */
  admin?: express.RequestHandler | undefined;
  limits: StoreLimits & UploadLimits;
  /** Server-side caps (SET LOCAL) for request transactions: per statement, and idle in one. */
  statementTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
  /** IMPORT_STATEMENT_TIMEOUT_MS, for a dry run's promotion (an import's merge); default statementTimeoutMs. */
  importStatementTimeoutMs?: number | undefined;
  /** Slow and greedy clients: the body rate guard and the caps on uploads in progress. */
  uploads: {
    minBytesPerSecond: number;
    rateWindowMs: number;
    maxConcurrent: number;
    maxConcurrentPerClient: number;
    /** UPLOAD_EARLY_PROCESSING: chunks processed while their upload arrives. */
    earlyProcessing?: boolean | undefined;
  };
  /** Requests per minute per client on /v1 (http/rate-limits.ts). */
  rateLimits: RateLimitSettings;
  /** Redis key prefix (the queue prefix) and TTL of the job status cache (0 = off). */
  queuePrefix: string;
  jobCacheTtlSeconds: number;
  /** Circuit breakers for PostgreSQL and Redis (main.ts creates them; /health shows them). */
  breakers: DependencyBreakers;
  /** Job event streams (main.ts creates them: it ends them on shutdown). */
  events: JobEvents;
  /** Webhooks: the delivery queue (cancel, redelivery) and WEBHOOK_ALLOW_PRIVATE_ADDRESSES. */
  webhooks: { queue: WebhookDeliveryQueue; allowPrivateAddresses: boolean };
}

/** The API's routes and middleware, in order; main.ts creates the dependencies. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  // ETags for conditional GETs only: hashing every POST's answer is wasted.
  app.use(etagOnReads(app));

  app.use(requestLog(deps));
  app.use(securityHeaders());
  app.use(compressResponses());
  app.use(
    guardBodyRate({
      minBytesPerSecond: deps.uploads.minBytesPerSecond,
      windowMs: deps.uploads.rateWindowMs,
    }),
  );

  app.use(refuseUnstorableQuery);

  // Never the client's Host header: links must not point at a site it names.
  const baseUrl = linkBase(deps.publicUrl);
  const guard = createBreakerGuard(deps.breakers);

  app.use(
    healthRoutes({ db: deps.db, redis: deps.redis, breakers: deps.breakers, ...deps.health }),
  );
  app.use(metricsRoutes(deps.registry, deps.metricsToken));
  // The API's own document and reference page: public, like health.
  app.use(openApiRoutes());
  // /v1: rate limited per client address (before authentication, so key
  // guessing is limited too), then per API key, whose tenant every route
  // acts for. Health, metrics and the admin UI (its own login throttle) are
  // outside.
  const authentication = createAuthentication(deps.db, deps.apiKeyTrustMs, deps.breakers.postgres);
  const rateLimits = createRateLimits({
    redis: deps.redis,
    prefix: deps.queuePrefix,
    settings: deps.rateLimits,
    metrics: deps.metrics,
    logger: deps.logger,
    addressOf: (req) => req.socket.remoteAddress ?? 'unknown',
    keyOf: (res) => principalOf(res).keyId,
    trustedKeyOf: authentication.trustedKeyOf,
  });
  app.use('/v1', rateLimits.byAddress);
  app.use('/v1', authentication.authenticate);
  app.use('/v1', rateLimits.byKey);
  // POST /v1/normalize changes nothing (a repeat is as good as a replay) and
  // must keep working without PostgreSQL: it ignores Idempotency-Key.
  app.use(normalizeRoutes());
  // Idempotency-Key on every state-changing POST but uploads (jobs/idempotency.ts).
  const idempotent = idempotentPost({ db: deps.db, logger: deps.logger });
  const jobDeps: JobRoutesDeps = {
    db: deps.db,
    producer: deps.producer,
    metrics: deps.metrics,
    logger: deps.logger,
    baseUrl,
    limits: deps.limits,
    cache: createJobCache({
      redis: deps.redis,
      prefix: deps.queuePrefix,
      ttlSeconds: deps.jobCacheTtlSeconds,
      metrics: deps.metrics,
      logger: deps.logger,
    }),
    postgresBreaker: deps.breakers.postgres,
    needs: guard.needs,
    uploadSlot: createUploadSlots({
      max: deps.uploads.maxConcurrent,
      maxPerClient: deps.uploads.maxConcurrentPerClient,
    }),
    transaction: {
      statementTimeoutMs: deps.statementTimeoutMs,
      idleInTransactionTimeoutMs: deps.idleInTransactionTimeoutMs,
    },
    // As long as an upload may take at the slowest rate the guard allows.
    inFlight: createInFlightMarks({
      redis: deps.redis,
      prefix: deps.queuePrefix,
      ttlMs: 3_600_000,
    }),
    events: deps.events,
    dispatchWebhooks: createWebhookDispatch({
      db: deps.db,
      queue: deps.webhooks.queue,
      logger: deps.logger,
    }),
    intake: createIntake(deps.db, deps.producer),
    earlyProcessing: deps.uploads.earlyProcessing,
  };
  app.use(jobRoutes(jobDeps));
  app.use(jobErrorRoutes(jobDeps));
  // A preview changes nothing either: no Idempotency-Key (previews/preview-routes.ts).
  app.use(
    previewRoutes({
      db: deps.db,
      logger: deps.logger,
      limits: deps.limits,
      needs: guard.needs,
      uploadSlot: jobDeps.uploadSlot,
    }),
  );
  app.use(jobControlRoutes({ ...jobDeps, idempotent }));
  app.use(
    dryRunRoutes({
      ...jobDeps,
      pool: deps.pool,
      importStatementTimeoutMs: deps.importStatementTimeoutMs ?? deps.statementTimeoutMs,
      statementTimeoutMs: deps.statementTimeoutMs,
      idempotent,
    }),
  );
  app.use(
    revertRoutes({
      ...jobDeps,
      pool: deps.pool,
      importStatementTimeoutMs: deps.importStatementTimeoutMs ?? deps.statementTimeoutMs,
      idempotent,
    }),
  );

  app.use(rowHistoryRoutes({ db: deps.db, baseUrl, needs: guard.needs }));
  app.use(
    datasetRoutes({
      db: deps.db,
      pool: deps.pool,
      logger: deps.logger,
      baseUrl,
      statementTimeoutMs: deps.statementTimeoutMs,
      needs: guard.needs,
      idempotent,
    }),
  );

  app.use(keyRoutes({ db: deps.db, logger: deps.logger, needs: guard.needs, idempotent }));

  const webhookDeps = { db: deps.db, logger: deps.logger, baseUrl, needs: guard.needs, idempotent };
  app.use(
    webhookRoutes({ ...webhookDeps, allowPrivateAddresses: deps.webhooks.allowPrivateAddresses }),
  );
  app.use(deliveryRoutes({ ...webhookDeps, queue: deps.webhooks.queue }));

  if (deps.admin) app.use(deps.admin);
  // The web app (apps/web) at `/`, outside the API's contract like the admin UI.
  app.use(webRoutes());

  app.use(routeNotFound);
  app.use(guard.noteFailure);
  app.use(problemErrorHandler(deps.logger, classifyDependencyError));
  return app;
}
