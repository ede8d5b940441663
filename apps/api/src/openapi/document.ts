import { jobProgressEventSchema, problemSchema } from '@sluice/contract';
import { z } from 'zod';
import { createDocument, type ZodOpenApiPathsObject } from 'zod-openapi';
import { ADMIN_QUEUES_PATH } from '../admin/bull-board.ts';
import { PROBLEM_CATALOG, type ProblemCode } from '../http/problem-catalog.ts';
import { WEB_PATHS } from '../web/web-routes.ts';
import { datasetOperations } from './dataset-operations.ts';
import { jobOperations } from './job-operations.ts';
import { keyOperations } from './key-operations.ts';
import { normalizeOperations } from './normalize-operations.ts';
import { PROBLEM_CODES_EXTENSION, PROBLEM_REF } from './operation.ts';
import { opsOperations } from './ops-operations.ts';
import { previewOperations } from './preview-operations.ts';
import { webhookMessages, webhookOperations } from './webhook-operations.ts';

/**
 * Every feature's operations, one file each. A new route: its request and
 * response schemas in packages/contract/src/api/<feature>.ts (exported from
 * its index; `.meta({ id })` for a named component), an
 * `<feature>-operations.ts` here built with operation() (scopes, whether it
 * needs PostgreSQL/Redis, its own problem codes), listed below; the route
 * parses its input with http/parse-input.ts and the same schemas. The drift
 * test (document.test.ts) fails until route and document agree, and the e2e
 * suite's response check until its answers fit.
 */
const FEATURES: ZodOpenApiPathsObject[] = [
  jobOperations,
  previewOperations,
  datasetOperations,
  keyOperations,
  normalizeOperations,
  webhookOperations,
  opsOperations,
];

/**
 * Answered to any request no operation matches: the 404 problem
 * (http/problem.ts routeNotFound). The response contract check of the e2e
 * suite holds such answers to it.
 */
const UNMATCHED_EXTENSION = 'x-unmatched-request';

/**
 * Paths this origin serves that are not part of the API: the admin UI
 * (Bull Board's pages, assets and its own JSON, behind HTTP Basic; mounted
 * only when ADMIN_USER is set) and the web app (its page at `/` and its
 * hashed assets). The response contract check leaves them out.
 */
const OUTSIDE_EXTENSION = 'x-outside-contract';

/** The OpenAPI 3.1 document of the API, built from @sluice/contract's schemas. */
export function createApiDocument(version: string): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {};
  for (const feature of FEATURES) {
    for (const [path, item] of Object.entries(feature)) {
      if (paths[path]) throw new Error(`${path} is described by two features`);
      paths[path] = item;
    }
  }
  const codes = Object.keys(PROBLEM_CATALOG) as [ProblemCode, ...ProblemCode[]];
  return createDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'Sluice API',
        version,
        description:
          'CSV normalization jobs, datasets and synchronous normalization. Errors are RFC 9457 problem details (application/problem+json) with a stable `code`; each response lists the codes it can carry (x-problem-codes). /v1 needs an API key (`Authorization: Bearer slc_…`) holding the scopes each operation names. Job outcomes can also be pushed to your endpoints as signed webhook messages (the `webhooks` section).',
      },
      tags: [
        { name: 'Jobs' },
        { name: 'Datasets' },
        { name: 'Normalize' },
        { name: 'API keys' },
        { name: 'Webhooks' },
        { name: 'Operations' },
      ],
      paths,
      webhooks: webhookMessages,
      components: {
        schemas: {
          Problem: problemSchema.extend({ code: z.enum(codes) }).meta({ id: 'Problem' }),
          // Reached only from the event stream's x-event-data, which zod-openapi does not walk.
          JobProgressEvent: jobProgressEventSchema,
        },
        securitySchemes: {
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'slc_<id>_<secret>',
            description:
              'A Sluice API key. Each operation lists the scopes it needs (x-required-scopes): jobs:write, jobs:read, datasets:write, datasets:read, admin.',
          },
        },
      },
      [OUTSIDE_EXTENSION]: [ADMIN_QUEUES_PATH, ...WEB_PATHS],
      [UNMATCHED_EXTENSION]: {
        description: 'No route for the method and path (`not_found`).',
        status: 404,
        [PROBLEM_CODES_EXTENSION]: ['not_found'],
        content: { 'application/problem+json': { schema: { $ref: PROBLEM_REF } } },
      },
    },
    { outputIdSuffix: 'Output' },
  );
}
