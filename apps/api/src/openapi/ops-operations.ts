import {
  databaseHealthSchema,
  healthSchema,
  livenessSchema,
  readinessSchema,
} from '@sluice/contract';
import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { json, operation } from './operation.ts';

const tags = ['Operations'];

/** Health probes, metrics and this document: no API key (ops/, openapi/openapi-routes.ts). */
export const opsOperations: ZodOpenApiPathsObject = {
  '/health/live': {
    get: operation({
      operationId: 'liveness',
      summary: 'The process serves HTTP',
      tags,
      responses: { '200': json('Alive.', livenessSchema) },
    }),
  },
  '/health/ready': {
    get: operation({
      operationId: 'readiness',
      summary: 'PostgreSQL (migrated) and Redis answer',
      tags,
      responses: {
        '200': json('Ready.', readinessSchema),
        '503': json('Not ready: `checks` says what failed.', readinessSchema),
      },
    }),
  },
  '/health/db': {
    get: operation({
      operationId: 'databaseHealth',
      summary: 'PostgreSQL answers a query through this process’ pool',
      description:
        'One `select 1` through the pool (not the circuit breaker), within 2 s: 200 with its round trip and the pool, else 503 problem+json `dependency_unavailable` (with `error`, `latencyMs` and `pool`).',
      tags,
      responses: { '200': json('The database answers.', databaseHealthSchema) },
      problems: ['dependency_unavailable'],
    }),
  },
  '/health': {
    get: operation({
      operationId: 'health',
      summary: 'Detailed health for people',
      tags,
      responses: {
        '200': json('Everything answers.', healthSchema),
        '503': json('Degraded: a dependency is down or a breaker open.', healthSchema),
      },
    }),
  },
  '/metrics': {
    get: operation({
      operationId: 'metrics',
      summary: 'Prometheus metrics of this API process',
      description: 'Behind `Authorization: Bearer <METRICS_TOKEN>` when that is set.',
      tags,
      responses: {
        '200': {
          description: 'The Prometheus text format.',
          content: { 'text/plain': { schema: z.string() } },
        },
      },
      problems: ['unauthorized'],
    }),
  },
  '/openapi.json': {
    get: operation({
      operationId: 'openApiDocument',
      summary: 'This document (OpenAPI 3.1)',
      tags,
      responses: {
        '200': {
          description: 'The document.',
          content: { 'application/json': { schema: z.looseObject({ openapi: z.string() }) } },
        },
        '304': { description: 'Not modified (If-None-Match of its ETag).' },
      },
    }),
  },
  '/docs': {
    get: operation({
      operationId: 'apiReference',
      summary: 'The API reference for people (this document, rendered)',
      tags,
      responses: {
        '200': { description: 'An HTML page.', content: { 'text/html': { schema: z.string() } } },
      },
    }),
  },
  '/docs/{asset}': {
    get: operation({
      operationId: 'apiReferenceAsset',
      summary: "The reference page's scripts and styles (served from the app, no CDN)",
      tags,
      requestParams: { path: z.object({ asset: z.string() }) },
      responses: {
        '200': {
          description: 'A script, style sheet or image.',
          content: {
            'application/javascript': { schema: z.string() },
            'text/javascript': { schema: z.string() },
            'text/css': { schema: z.string() },
            'image/png': { schema: z.string() },
          },
        },
      },
      problems: ['not_found'],
    }),
  },
};
