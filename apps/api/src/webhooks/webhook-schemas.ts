import { WEBHOOK_EVENT_TYPES } from '@sluice/contract';
import { z } from 'zod';

/**
 * The JSON of /v1/webhooks, requests and answers, defined once: the routes
 * parse requests and type answers with these, and the OpenAPI document is
 * built from them (each carries its component id).
 */

const webhookEventTypeSchema = z
  .enum(WEBHOOK_EVENT_TYPES)
  .meta({ id: 'WebhookEventType', description: 'A job reaching a final status.' });

const MAX_URL_LENGTH = 2048;

const urlSchema = z
  .string()
  .max(MAX_URL_LENGTH)
  .meta({ description: 'An http or https URL; Sluice POSTs each event to it.' });

const eventsSchema = z
  .array(webhookEventTypeSchema)
  .min(1)
  .max(WEBHOOK_EVENT_TYPES.length)
  .refine((types) => new Set(types).size === types.length, 'events must not repeat a type');

const descriptionSchema = z.string().max(500);

export const webhookCreateSchema = z
  .strictObject({
    url: urlSchema,
    events: eventsSchema
      .optional()
      .meta({ description: 'Event types to send; default: every type there is now.' }),
    description: descriptionSchema.optional(),
  })
  .meta({ id: 'WebhookCreate' });

export const webhookUpdateSchema = z
  .strictObject({
    url: urlSchema.optional(),
    events: eventsSchema.optional(),
    description: descriptionSchema.optional(),
    enabled: z
      .boolean()
      .optional()
      .meta({ description: 'false: no new events are recorded for it, pending ones fail.' }),
  })
  .refine((change) => Object.keys(change).length > 0, 'send at least one field to change')
  .meta({ id: 'WebhookUpdate' });

export const webhookSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    description: z.string(),
    events: z.array(webhookEventTypeSchema),
    enabled: z.boolean(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    links: z.object({ self: z.string(), deliveries: z.string() }),
  })
  .meta({ id: 'Webhook' });

export const webhookWithSecretSchema = webhookSchema
  .extend({
    secret: z.string().meta({
      description:
        'The signing secret, `whsec_` + base64 (Standard Webhooks): shown only here and on rotation.',
    }),
  })
  .meta({ id: 'WebhookWithSecret' });

export const webhookDeliverySchema = z
  .object({
    id: z.uuid(),
    eventId: z.string().meta({ description: 'The message id: the webhook-id header.' }),
    eventType: webhookEventTypeSchema,
    jobId: z.uuid(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attemptCount: z.number().int(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.iso.datetime(),
    lastAttemptAt: z.iso.datetime().nullable(),
    finishedAt: z.iso.datetime().nullable(),
    links: z.object({ self: z.string(), redeliver: z.string() }),
  })
  .meta({ id: 'WebhookDelivery' });

export const webhookDeliveryDetailSchema = webhookDeliverySchema
  .extend({
    attempts: z.array(
      z.object({
        attempt: z.number().int(),
        round: z.number().int().meta({ description: '0, then 1 for each redelivery.' }),
        startedAt: z.iso.datetime(),
        durationMs: z.number().int(),
        statusCode: z.number().int().nullable(),
        error: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'WebhookDeliveryDetail' });
