import {
  apiKeyListSchema,
  issuedApiKeySchema,
  keyIdParamsSchema,
  newKeyRequestSchema,
} from '@sluice/contract';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { json, operation } from './operation.ts';

const tags = ['API keys'];

/** /v1/keys (auth/key-routes.ts): a tenant's keys, managed with a key of scope admin. */
export const keyOperations: ZodOpenApiPathsObject = {
  '/v1/keys': {
    get: operation({
      operationId: 'listApiKeys',
      summary: "The tenant's API keys (never their secrets)",
      tags,
      scopes: ['admin'],
      needsDependencies: true,
      responses: { '200': json('The keys.', apiKeyListSchema) },
    }),
    post: operation({
      operationId: 'issueApiKey',
      idempotent: true,
      summary: 'Issue a key; its secret is in this answer only',
      tags,
      scopes: ['admin'],
      needsDependencies: true,
      requestBody: {
        required: true,
        content: { 'application/json': { schema: newKeyRequestSchema } },
      },
      responses: { '201': json('The new key.', issuedApiKeySchema) },
      problems: ['invalid_key_request'],
    }),
  },
  '/v1/keys/{id}': {
    delete: operation({
      operationId: 'revokeApiKey',
      summary: 'Revoke a key (it stops working within API_KEY_TRUST_MS)',
      tags,
      scopes: ['admin'],
      needsDependencies: true,
      requestParams: { path: keyIdParamsSchema },
      responses: { '204': { description: 'Revoked.' } },
      problems: ['api_key_not_found'],
    }),
  },
};
