import { validate } from '@readme/openapi-parser';
import { createDependencyBreakers } from '@sluice/breakers';
import { createDatabase, isPostgresUnavailableError } from '@sluice/db';
import { createProcessLogger } from '@sluice/lifecycle';
import { createApiMetrics, createMetricsRegistry } from '@sluice/metrics';
import {
  createJobChangeListener,
  createJobProducer,
  createProducerConnection,
  createQueueCounter,
  createWebhookDeliveryQueue,
  createWorkerConnection,
  describeRedis,
  isRedisConnectionError,
} from '@sluice/queue';
import type express from 'express';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../app.ts';
import { PROBLEM_CATALOG } from '../http/problem-catalog.ts';
import { createJobEvents } from '../jobs/job-events.ts';
import { createApiDocument } from './document.ts';
import { EVENT_DATA_EXTENSION, PROBLEM_CODES_EXTENSION } from './operation.ts';

type Document = ReturnType<typeof createApiDocument>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** The admin UI's codes: Bull Board's pages (admin/), not part of the documented API. */
const ADMIN_UI_CODES = ['csrf_rejected', 'too_many_login_attempts', 'admin_disabled'];

/**
 * The routes an express app answers: `METHOD /path` with OpenAPI's `{param}`
 * for express' `:param`, walking routers mounted with app.use(router).
 */
function registeredRoutes(app: express.Express): string[] {
  interface Layer {
    route?: { path: string; methods: Record<string, boolean> };
    handle?: { stack?: Layer[] };
  }
  const found: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const path = layer.route.path.replace(/:(\w+)/g, '{$1}');
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && method !== '_all') found.push(`${method.toUpperCase()} ${path}`);
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return found.sort();
}

function documentedOperations(document: Document): string[] {
  return Object.entries(document.paths ?? {})
    .flatMap(([path, item]) =>
      METHODS.filter((m) => item?.[m]).map((m) => `${m.toUpperCase()} ${path}`),
    )
    .sort();
}

describe('the OpenAPI document', () => {
  const document = createApiDocument('0.0.0-test');

  it('is valid OpenAPI 3.1 (@readme/openapi-parser)', async () => {
    expect(document.openapi).toBe('3.1.0');
    // validate() dereferences in place: hand it a copy.
    const result = await validate(structuredClone(document) as never);
    expect(result.valid ? [] : result.errors).toEqual([]);
  });

  it('lists every problem code of the catalog (but the admin UI’s) in some response', () => {
    const referenced = new Set<string>();
    for (const item of Object.values(document.paths ?? {})) {
      for (const m of METHODS) {
        for (const response of Object.values(item?.[m]?.responses ?? {})) {
          const codes = (response as Record<string, unknown>)[PROBLEM_CODES_EXTENSION];
          for (const code of (codes as string[] | undefined) ?? []) referenced.add(code);
        }
      }
    }
    for (const code of Object.keys(PROBLEM_CATALOG)) {
      if (ADMIN_UI_CODES.includes(code)) continue;
      expect(referenced, `no operation answers ${code}`).toContain(code);
    }
    for (const code of referenced) expect(Object.keys(PROBLEM_CATALOG)).toContain(code);
  });

  it('narrows Problem.code to the catalog', () => {
    const problem = document.components?.schemas?.Problem as {
      properties: { code: { enum: string[] } };
    };
    expect(problem.properties.code.enum.sort()).toEqual(Object.keys(PROBLEM_CATALOG).sort());
  });

  it("types each job event's data with a schema the document has", () => {
    const stream = document.paths?.['/v1/jobs/{id}/events']?.get?.responses?.['200']?.content?.[
      'text/event-stream'
    ] as Record<string, unknown> | undefined;
    const eventData = stream?.[EVENT_DATA_EXTENSION] as Record<string, { $ref: string }>;
    expect(Object.keys(eventData).sort()).toEqual(['cancelled', 'completed', 'failed', 'progress']);
    for (const { $ref } of Object.values(eventData)) {
      const id = $ref.replace('#/components/schemas/', '');
      expect(document.components?.schemas?.[id], $ref).toBeDefined();
    }
  });

  it('gives every /v1 operation the bearer scheme with its scopes, and 401 and 429 problems', () => {
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      for (const m of METHODS) {
        const op = item?.[m];
        if (!op) continue;
        if (path.startsWith('/v1/')) {
          expect(op.security, `${m} ${path}`).toEqual([{ apiKey: op['x-required-scopes'] }]);
          expect(Object.keys(op.responses ?? {}), `${m} ${path}`).toEqual(
            expect.arrayContaining(['401', '429']),
          );
        } else {
          expect(op.security, `${m} ${path}`).toEqual([]);
        }
      }
    }
  });
});

describe('the document and the routes express registers', () => {
  const logger = createProcessLogger({ process: 'api', level: 'silent' });
  const database = createDatabase({ url: inject('databaseUrl'), poolSize: 1 });
  const redis = createProducerConnection({
    target: { mode: 'standalone', url: inject('redisUrl') },
  });
  const subscriber = createWorkerConnection({
    target: { mode: 'standalone', url: inject('redisUrl') },
  });
  const producer = createJobProducer({ connection: redis, prefix: 'openapi-drift' });
  const queueCounter = createQueueCounter({ connection: redis, prefix: 'openapi-drift' });
  const webhookQueue = createWebhookDeliveryQueue({
    connection: redis,
    prefix: 'openapi-drift',
    attempts: 1,
    backoffMs: 1000,
  });
  const breakers = createDependencyBreakers({
    postgres: { isFailure: isPostgresUnavailableError },
    redis: { isFailure: isRedisConnectionError },
  });
  const events = createJobEvents({
    db: database.db,
    listener: createJobChangeListener({ connection: subscriber, prefix: 'openapi-drift' }),
    publish: async () => {},
    logger,
    heartbeatMs: 60_000,
    maxStreams: 10,
  });
  let app: express.Express;

  beforeAll(() => {
    const registry = createMetricsRegistry('api');
    // The app as main.ts builds it (minus the admin UI, which is not the API).
    app = createApp({
      db: database.db,
      pool: database.pool,
      redis,
      producer,
      registry,
      apiKeyTrustMs: 30_000,
      metrics: createApiMetrics(registry),
      health: {
        dbPool: () => ({ total: 0, idle: 0, waiting: 0 }),
        queueCounts: () => queueCounter.counts(),
        redisMode: 'standalone',
        redisTopology: () => describeRedis(redis, 'openapi-drift'),
      },
      logger,
      limits: {
        maxUploadBytes: 1 << 20,
        maxDecompressionRatio: 100,
        maxWorkbookSharedStringsBytes: 1024 * 1024,
        chunkBytes: 1 << 16,
        maxRecordBytes: 1 << 16,
        maxColumns: 100,
      },
      statementTimeoutMs: 5_000,
      idleInTransactionTimeoutMs: 5_000,
      uploads: {
        minBytesPerSecond: 1,
        rateWindowMs: 10_000,
        maxConcurrent: 2,
        maxConcurrentPerClient: 1,
      },
      rateLimits: { submissionsPerMinute: 10, readsPerMinute: 10 },
      queuePrefix: 'openapi-drift',
      jobCacheTtlSeconds: 0,
      breakers,
      events,
      webhooks: { queue: webhookQueue, allowPrivateAddresses: false },
    });
  });

  afterAll(async () => {
    await events.close();
    breakers.shutdown();
    await Promise.all([producer.close(), queueCounter.close(), webhookQueue.close()]);
    redis.disconnect();
    subscriber.disconnect();
    await database.close();
  });

  it('documents exactly the routes the app registers (no drift either way)', () => {
    const routes = registeredRoutes(app);
    expect(routes.length).toBeGreaterThan(20);
    const document = createApiDocument('0.0.0-test');
    // The web app's page (apps/web at `/`) is a route too, but no operation:
    // the document names it outside the contract, as the response check does.
    const outside = document['x-outside-contract'] as string[];
    expect(routes).toContain('GET /');
    expect(documentedOperations(document)).toEqual(
      routes.filter((route) => !outside.includes(route.replace(/^\S+ /, ''))),
    );
  });
});
