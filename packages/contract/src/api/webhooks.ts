import { z } from 'zod';
import { JOB_STATUSES, JOB_TYPES } from '../job-status.ts';
import { WEBHOOK_EVENT_TYPES } from '../webhook-events.ts';
import { link, timestamp } from './common.ts';

/**
 * The JSON of /v1/webhooks, requests and answers, and the event messages
 * Sluice POSTs to an endpoint: the routes parse requests and type answers
 * with these, and the OpenAPI document is built from them (its `webhooks`
 * section describes the messages).
 */

const webhookEventTypeSchema = z
  .enum(WEBHOOK_EVENT_TYPES)
  .meta({ id: 'WebhookEventType', description: 'A job reaching a final status.' });

const EVENTS_RULE = `must be a non-empty list of distinct event types: ${WEBHOOK_EVENT_TYPES.join(', ')}`;

const MAX_URL_LENGTH = 2048;

const urlSchema = z
  .string({ error: 'must be an http or https URL' })
  .max(MAX_URL_LENGTH, { error: `must be at most ${MAX_URL_LENGTH} characters` })
  .meta({ description: 'An http or https URL; Sluice POSTs each event to it.' });

const eventsSchema = z
  .array(z.enum(WEBHOOK_EVENT_TYPES, { error: EVENTS_RULE }), { error: EVENTS_RULE })
  .min(1, { error: EVENTS_RULE })
  .max(WEBHOOK_EVENT_TYPES.length, { error: EVENTS_RULE })
  .refine((types) => new Set(types).size === types.length, { error: EVENTS_RULE });

const descriptionSchema = z
  .string({ error: 'must be a string of at most 500 characters' })
  .max(500, { error: 'must be a string of at most 500 characters' });

const OBJECT_RULE = 'Send a JSON object: {"url": "https://…", "events": [...], "description": "…"}';

export const webhookCreateSchema = z
  .strictObject(
    {
      url: urlSchema,
      events: eventsSchema
        .optional()
        .meta({ description: 'Event types to send; default: every type there is now.' }),
      description: descriptionSchema.optional(),
    },
    { error: OBJECT_RULE },
  )
  .meta({
    id: 'WebhookCreate',
    example: { url: 'https://hooks.example.com/sluice', events: ['job.completed', 'job.failed'] },
  });

export const webhookUpdateSchema = z
  .strictObject(
    {
      url: urlSchema.optional(),
      events: eventsSchema.optional(),
      description: descriptionSchema.optional(),
      enabled: z
        .boolean({ error: 'must be true or false' })
        .optional()
        .meta({ description: 'false: no new events are recorded for it, pending ones fail.' }),
    },
    { error: OBJECT_RULE },
  )
  .refine((change) => Object.keys(change).length > 0, {
    error: 'must name at least one field to change: url, events, description, enabled',
  })
  .meta({ id: 'WebhookUpdate' });

export const webhookIdParamsSchema = z.object({
  id: z.string().meta({ description: 'The webhook id (a UUID).' }),
});

export const deliveryParamsSchema = webhookIdParamsSchema.extend({
  deliveryId: z.string().meta({ description: 'The delivery id (a UUID).' }),
});

export const webhookSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    description: z.string(),
    events: z.array(webhookEventTypeSchema),
    enabled: z.boolean(),
    createdAt: timestamp,
    updatedAt: timestamp,
    links: z.object({ self: link, deliveries: link }),
  })
  .meta({ id: 'Webhook' });

export const webhookListSchema = z.array(webhookSchema).meta({ id: 'WebhookList' });

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
    createdAt: timestamp,
    lastAttemptAt: timestamp.nullable(),
    finishedAt: timestamp.nullable(),
    links: z.object({ self: link, redeliver: link }),
  })
  .meta({ id: 'WebhookDelivery' });

export const webhookDeliveryListSchema = z
  .array(webhookDeliverySchema)
  .meta({ id: 'WebhookDeliveryList' });

export const webhookDeliveryDetailSchema = webhookDeliverySchema
  .extend({
    attempts: z.array(
      z.object({
        attempt: z.number().int(),
        round: z.number().int().meta({ description: '0, then 1 for each redelivery.' }),
        startedAt: timestamp,
        durationMs: z.number().int(),
        statusCode: z.number().int().nullable(),
        error: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'WebhookDeliveryDetail' });

/** The answer to a redelivery request (202): the delivery, pending again. */
export const redeliverySchema = z
  .object({ id: z.uuid(), status: z.literal('pending'), links: z.object({ self: link }) })
  .meta({ id: 'Redelivery' });

/** Links in event messages are paths under the API's base URL (workers do not know it). */
const path = z.string().startsWith('/v1/');

/**
 * One event message, the JSON body Sluice POSTs (and signs) to an
 * endpoint: the job as it was when it became final.
 */
export const webhookEventSchema = z
  .object({
    type: webhookEventTypeSchema,
    timestamp: timestamp.meta({ description: 'When the event was recorded.' }),
    data: z.object({
      id: z.uuid(),
      type: z.enum(JOB_TYPES),
      status: z.enum(JOB_STATUSES),
      fileName: z.string().nullable(),
      dataset: z.string().nullable(),
      counts: z.object({
        bytes: z.int(),
        rowsTotal: z.int().nullable(),
        rowsAccepted: z.int().nullable(),
        rowsRejected: z.int().nullable(),
        errors: z.int(),
      }),
      import: z
        .object({
          rowsInserted: z.int().nullable(),
          rowsUpdated: z.int().nullable(),
          rowsUnchanged: z.int().nullable(),
          rowsDuplicate: z.int().nullable(),
        })
        .nullable()
        .meta({ description: 'Import jobs: what the merge did; null for normalize jobs.' }),
      error: z.string().nullable(),
      errorCode: z.string().nullable(),
      createdAt: timestamp,
      finishedAt: timestamp.nullable(),
      links: z.object({ self: path, result: path, errors: path }).meta({
        description: 'Paths under the API base URL you call Sluice at.',
      }),
    }),
  })
  .meta({ id: 'WebhookEvent' });
export type WebhookEvent = z.infer<typeof webhookEventSchema>;
