import { randomUUID } from 'node:crypto';
import {
  BreakerOpenError,
  type Dependency,
  type DependencyBreakers,
  isPostgresUnavailableError,
  isRedisConnectionError,
} from '@sluice/breakers';
import { type Database, isTransientDatabaseError } from '@sluice/db';
import type { ApiMetrics, Registry } from '@sluice/metrics';
import type { JobProducer } from '@sluice/queue';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { datasetRoutes } from './datasets/dataset-routes.ts';
import { HttpProblem, problemErrorHandler, sendProblem } from './http/problem.ts';
import { createJobCache } from './jobs/job-cache.ts';
import { jobRoutes } from './jobs/job-routes.ts';
import type { StoreLimits } from './jobs/upload/store-upload.ts';
import { normalizeRoutes } from './normalize/normalize-routes.ts';
import { type HealthSources, healthRoutes } from './ops/health-routes.ts';

export interface AppDeps {
  db: Kysely<Database>;
  redis: Redis;
  producer: JobProducer;
  registry: Registry;
  metrics: ApiMetrics;
  /** Pool stats and queue counts for GET /health. */
  health: HealthSources;
  logger: Logger;
  publicUrl?: string | undefined;
  /** Bull Board at /admin/queues (apps/api/src/admin/bull-board.ts). */
  admin?: express.RequestHandler | undefined;
  limits: StoreLimits & { maxUploadBytes: number };
  /** Server-side cap per statement (SET LOCAL) for request transactions. */
  statementTimeoutMs: number;
  /** Redis key prefix (the queue prefix) and TTL of the job status cache (0 = off). */
  queuePrefix: string;
  jobCacheTtlSeconds: number;
  /** Circuit breakers for PostgreSQL and Redis (main.ts creates them; /health shows them). */
  breakers: DependencyBreakers;
}

const DEPENDENCY_NAMES: Record<Dependency, string> = {
  postgres: 'The database',
  redis: 'The queue',
};

function dependencyUnavailable(dependency: Dependency, retryAfterMs: number, cause?: unknown) {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new HttpProblem(
    503,
    'dependency_unavailable',
    'Service temporarily unavailable',
    `${DEPENDENCY_NAMES[dependency]} is unavailable; try again in ${seconds} s.`,
    { headers: { 'retry-after': String(seconds) }, extra: { dependency }, cause },
  );
}

/**
 * Which dependency an error says is unavailable, if any. PostgreSQL first: a
 * refused database connection (ECONNREFUSED) must not be taken for Redis.
 * Contention that outlived its retries (deadlock...) is a 503 too, but the
 * postgres breaker counts only unavailability (its own classifier).
 */
function failedDependency(error: unknown): Dependency | undefined {
  if (error instanceof BreakerOpenError) return undefined;
  if (error instanceof HttpProblem) {
    // The job was stored but could not be enqueued: Redis' fault.
    return error.code === 'queue_unavailable' && isRedisConnectionError(error.cause)
      ? 'redis'
      : undefined;
  }
  if (isTransientDatabaseError(error) || isPostgresUnavailableError(error)) return 'postgres';
  if (isRedisConnectionError(error)) return 'redis';
  return undefined;
}

/** Dependency outages become 503 + Retry-After so clients back off and retry. */
function classifyDependencyError(error: unknown): HttpProblem | undefined {
  if (error instanceof BreakerOpenError) {
    return dependencyUnavailable(error.dependency as Dependency, error.retryAfterMs, error);
  }
  const dependency = failedDependency(error);
  return dependency === undefined ? undefined : dependencyUnavailable(dependency, 5_000, error);
}

/**
 * The dependencies a request cannot be served without (health routes check
 * their own). A job's status (GET /v1/jobs/{id}) is left to its route: a
 * finished job comes from the Redis cache even while PostgreSQL is down, and
 * a miss goes through the postgres breaker there.
 */
function dependenciesOf(req: Request): Dependency[] {
  // Matched as express routes are: case-insensitive, trailing slash allowed.
  const path = req.path.toLowerCase();
  if (/^\/v1\/jobs\/?$/.test(path) && req.method === 'POST') return ['postgres', 'redis'];
  if (/^\/v1\/jobs\/[^/]+\/?$/.test(path) && (req.method === 'GET' || req.method === 'HEAD')) {
    return [];
  }
  if (/^\/v1\/(jobs|datasets)(\/|$)/.test(path)) return ['postgres'];
  return [];
}

/**
 * Circuit breakers at the HTTP edge. A request that needs a dependency whose
 * breaker is open (or half-open, its trial query in flight) gets 503
 * dependency_unavailable at once, with Retry-After until the next trial,
 * instead of waiting for a connection that will fail. Every other such request
 * feeds its outcome to the breakers when it ends: an error that says the
 * dependency is unavailable counts as a failure (noted by `noteFailure`
 * below), a response under 500 as a success, anything else not at all.
 */
function breakerGuard(breakers: DependencyBreakers) {
  const failures = new WeakMap<Request, Partial<Record<Dependency, unknown>>>();
  const guard = (req: Request, res: Response, next: NextFunction) => {
    const needs = dependenciesOf(req);
    if (needs.length === 0) return next();
    const refusing = needs.find((d) => !breakers[d].allowsCalls());
    if (refusing !== undefined) {
      const refusal = breakers[refusing].refuse();
      sendProblem(req, res, dependencyUnavailable(refusing, refusal.retryAfterMs, refusal));
      return;
    }
    res.once('close', () => {
      const failed = failures.get(req) ?? {};
      for (const dependency of needs) {
        if (dependency in failed) breakers[dependency].record(failed[dependency]);
        else if (res.writableFinished && res.statusCode < 500) breakers[dependency].record();
      }
    });
    next();
  };
  const noteFailure = (error: unknown, req: Request, _res: Response, next: NextFunction) => {
    const dependency = failedDependency(error);
    if (dependency !== undefined) {
      const failed = failures.get(req) ?? {};
      failed[dependency] = error instanceof HttpProblem ? error.cause : error;
      failures.set(req, failed);
    }
    next(error);
  };
  return { guard, noteFailure };
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);

  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    const incoming = req.headers['x-request-id'];
    const requestId =
      typeof incoming === 'string' && /^[\w-]{1,100}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', requestId);
    res.on('finish', () => {
      // Route templates only (bounded label values); unmatched paths share one label.
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      const labels = { method: req.method, route, status: String(res.statusCode) };
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      deps.metrics.httpRequests.inc(labels);
      deps.metrics.httpDuration.observe(labels, seconds);
      if (!route.startsWith('/health') && route !== '/metrics') {
        deps.logger.info(
          { requestId, ...labels, path: req.originalUrl, ms: Math.round(seconds * 1000) },
          'request',
        );
      }
    });
    next();
  });

  const baseUrl = (req: Request) => deps.publicUrl ?? `${req.protocol}://${req.get('host')}`;
  const breakers = breakerGuard(deps.breakers);

  app.use(
    healthRoutes({ db: deps.db, redis: deps.redis, breakers: deps.breakers, ...deps.health }),
  );
  app.use(breakers.guard);
  app.get('/metrics', async (_req, res) => {
    res.type(deps.registry.contentType).send(await deps.registry.metrics());
  });
  app.use(normalizeRoutes());
  app.use(
    jobRoutes({
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
    }),
  );

  app.use(
    datasetRoutes({
      db: deps.db,
      logger: deps.logger,
      baseUrl,
      statementTimeoutMs: deps.statementTimeoutMs,
    }),
  );

  if (deps.admin) app.use(deps.admin);

  app.use((req, _res, next) => {
    next(new HttpProblem(404, 'not_found', 'Not found', `No route for ${req.method} ${req.path}.`));
  });
  app.use(breakers.noteFailure);
  app.use(problemErrorHandler(deps.logger, classifyDependencyError));
  return app;
}
