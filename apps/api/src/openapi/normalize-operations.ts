import { normalizeRequestSchema, normalizeResponseSchema } from '@sluice/contract';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { json, operation } from './operation.ts';

/** POST /v1/normalize (normalize/normalize-routes.ts). */
export const normalizeOperations: ZodOpenApiPathsObject = {
  '/v1/normalize': {
    post: operation({
      operationId: 'normalizeValues',
      summary: 'Normalize a few values now (at most 1000; files go through jobs)',
      tags: ['Normalize'],
      scopes: [],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: normalizeRequestSchema } },
      },
      responses: { '200': json('One result per value, in order.', normalizeResponseSchema) },
      problems: ['invalid_request', 'too_many_values', 'invalid_option'],
    }),
  },
};
