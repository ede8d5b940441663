import {
  deliveryParamsSchema,
  locationHeader,
  pageHeadersSchema,
  pageQuerySchema,
  redeliverySchema,
  WEBHOOK_EVENT_TYPES,
  webhookCreateSchema,
  webhookDeliveryDetailSchema,
  webhookDeliveryListSchema,
  webhookEventSchema,
  webhookIdParamsSchema,
  webhookListSchema,
  webhookSchema,
  webhookUpdateSchema,
  webhookWithSecretSchema,
} from '@sluice/contract';
import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import type { ProblemCode } from '../http/problem-catalog.ts';
import { json, operation } from './operation.ts';

const tags = ['Webhooks'];
const byId = { path: webhookIdParamsSchema };
/** A URL given for an endpoint (webhooks/webhook-url.ts). */
const URL_PROBLEMS: ProblemCode[] = [
  'invalid_webhook_request',
  'webhook_url_not_allowed',
  'webhook_url_unresolvable',
];

/** /v1/webhooks and its delivery log (webhooks/webhook-routes.ts, webhooks/delivery-routes.ts). */
export const webhookOperations: ZodOpenApiPathsObject = {
  '/v1/webhooks': {
    post: operation({
      operationId: 'createWebhook',
      idempotent: true,
      summary: 'Register an endpoint; its signing secret is in this answer',
      description:
        'Sluice POSTs each event the endpoint takes to its URL, signed per Standard Webhooks (see the `webhooks` section of this document). The secret is shown here and on rotation only.',
      tags,
      scopes: ['admin'],
      needsDependencies: true,
      requestBody: {
        required: true,
        content: { 'application/json': { schema: webhookCreateSchema } },
      },
      responses: {
        '201': json('Created.', webhookWithSecretSchema, z.object({ location: locationHeader })),
      },
      problems: URL_PROBLEMS,
    }),
    get: operation({
      operationId: 'listWebhooks',
      summary: "The tenant's webhook endpoints",
      tags,
      scopes: ['admin'],
      needsDependencies: true,
      requestParams: { query: pageQuerySchema },
      responses: { '200': json('A page of endpoints.', webhookListSchema, pageHeadersSchema) },
      problems: ['invalid_pagination'],
    }),
  },
  '/v1/webhooks/{id}': {
    get: operation({
      operationId: 'getWebhook',
      summary: 'An endpoint (never its secret)',
      tags,
      scopes: ['admin'],
      needsDependencies: true,
      requestParams: byId,
      responses: { '200': json('The endpoint.', webhookSchema) },
      problems: ['webhook_not_found'],
    }),
    patch: operation({
      operationId: 'updateWebhook',
      summary: 'Change an endpoint: URL, event types, description, enabled',
      tags,
      scopes: ['admin'],
      needsDependencies: true,
      requestParams: byId,
      requestBody: {
        required: true,
        content: { 'application/json': { schema: webhookUpdateSchema } },
      },
      responses: { '200': json('The endpoint, changed.', webhookSchema) },
      problems: ['webhook_not_found', ...URL_PROBLEMS],
    }),
    delete: operation({
      operationId: 'deleteWebhook',
      summary: 'Delete an endpoint and its delivery log',
      tags,
      scopes: ['admin'],
      needsDependencies: true,
      requestParams: byId,
      responses: { '204': { description: 'Deleted.' } },
      problems: ['webhook_not_found'],
    }),
  },
  '/v1/webhooks/{id}/rotate-secret': {
    post: operation({
      operationId: 'rotateWebhookSecret',
      idempotent: true,
      summary: 'A new signing secret, in this answer; the old one stops signing at once',
      tags,
      scopes: ['admin'],
      needsDependencies: true,
      requestParams: byId,
      responses: { '200': json('The endpoint with its new secret.', webhookWithSecretSchema) },
      problems: ['webhook_not_found'],
    }),
  },
  '/v1/webhooks/{id}/deliveries': {
    get: operation({
      operationId: 'listWebhookDeliveries',
      summary: "The endpoint's deliveries, newest first",
      tags,
      scopes: ['admin'],
      needsDependencies: true,
      requestParams: { path: webhookIdParamsSchema, query: pageQuerySchema },
      responses: {
        '200': json('A page of deliveries.', webhookDeliveryListSchema, pageHeadersSchema),
      },
      problems: ['webhook_not_found', 'invalid_pagination'],
    }),
  },
  '/v1/webhooks/{id}/deliveries/{deliveryId}': {
    get: operation({
      operationId: 'getWebhookDelivery',
      summary: 'A delivery with every attempt (status code, error, duration)',
      tags,
      scopes: ['admin'],
      needsDependencies: true,
      requestParams: { path: deliveryParamsSchema },
      responses: { '200': json('The delivery.', webhookDeliveryDetailSchema) },
      problems: ['webhook_not_found', 'delivery_not_found'],
    }),
  },
  '/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver': {
    post: operation({
      operationId: 'redeliverWebhook',
      idempotent: true,
      summary: 'Send the same message again (same webhook-id), with a fresh round of attempts',
      tags,
      scopes: ['admin'],
      needsDependencies: true,
      requestParams: { path: deliveryParamsSchema },
      responses: {
        '202': json(
          'The delivery, pending again.',
          redeliverySchema,
          z.object({ location: locationHeader }),
        ),
      },
      problems: ['webhook_not_found', 'delivery_not_found'],
    }),
  },
};

/** The headers of every message (Standard Webhooks). */
const messageHeaders = z.object({
  'webhook-id': z.string().meta({
    description:
      'The message id (`msg_…`): the same on every attempt and redelivery; dedupe on it.',
  }),
  'webhook-timestamp': z
    .string()
    .regex(/^\d+$/)
    .meta({ description: 'Unix seconds when this attempt was signed; refuse old ones.' }),
  'webhook-signature': z.string().meta({
    description:
      '`v1,` + base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}` with the secret after `whsec_` (base64-decoded).',
  }),
});

/**
 * The messages Sluice sends to endpoints (OpenAPI 3.1 `webhooks`), one per
 * event type: the receiver's side of the contract.
 */
export const webhookMessages: ZodOpenApiPathsObject = Object.fromEntries(
  WEBHOOK_EVENT_TYPES.map((type) => [
    type,
    {
      post: {
        operationId: `${type.replace('.', '_')}_event`,
        summary: `Sent when a job becomes ${type.split('.')[1]}`,
        tags,
        requestParams: { header: messageHeaders },
        requestBody: {
          required: true,
          content: { 'application/json': { schema: webhookEventSchema } },
        },
        responses: {
          '2XX': { description: 'Delivered. Anything else (or no answer in time) is retried.' },
        },
      },
    },
  ]),
);
