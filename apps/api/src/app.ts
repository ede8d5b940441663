import { randomUUID } from 'node:crypto';
import { type Database, isTransientDatabaseError } from '@sluice/db';
import type { ApiMetrics, Registry } from '@sluice/metrics';
import type { JobProducer } from '@sluice/queue';
import express, { type Request } from 'express';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { HttpProblem, problemErrorHandler } from './problem.ts';
import { type HealthSources, healthRoutes } from './routes/health.ts';
import { jobRoutes } from './routes/jobs.ts';
import { normalizeRoutes } from './routes/normalize.ts';
import type { StoreLimits } from './upload/store-upload.ts';

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
}

/** Dependency outages become 503 + Retry-After so clients back off and retry. */
function classifyDependencyError(error: unknown): HttpProblem | undefined {
  const unavailable = (what: string) =>
    new HttpProblem(
      503,
      'dependency_unavailable',
      'Service temporarily unavailable',
      `${what} is unreachable; try again shortly.`,
      {
        headers: { 'retry-after': '5' },
        cause: error,
      },
    );
  if (isTransientDatabaseError(error)) return unavailable('The database');
  if (
    error instanceof Error &&
    /enableOfflineQueue|Connection is closed|ECONNREFUSED|Stream isn't writeable/i.test(
      error.message,
    )
  ) {
    return unavailable('The queue');
  }
  return undefined;
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

  app.use(healthRoutes({ db: deps.db, redis: deps.redis, ...deps.health }));
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
    }),
  );

  if (deps.admin) app.use(deps.admin);

  app.use((req, _res, next) => {
    next(new HttpProblem(404, 'not_found', 'Not found', `No route for ${req.method} ${req.path}.`));
  });
  app.use(problemErrorHandler(deps.logger, classifyDependencyError));
  return app;
}
