import type { JobsOptions } from 'bullmq';
import { z } from 'zod';

/**
 * The one place that says which BullMQ jobs exist: name, queue, payload schema
 * and options. Producers and workers both go through it, so a payload is
 * validated on the way in and on the way out.
 */

export const QUEUE_NAMES = {
  /** One job per stored chunk: parse + normalize in a thread, commit with done-marker. */
  chunks: 'sluice-chunks',
  /** One parent job per upload: runs after all its chunks, commits final statistics. */
  jobs: 'sluice-jobs',
  /** Housekeeping on a schedule (one run per interval across all workers): the retention purge. */
  maintenance: 'sluice-maintenance',
  /** One job per webhook delivery round: POST the signed message, retried with backoff. */
  webhooks: 'sluice-webhooks',
} as const;

export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

export const normalizeChunkPayload = z.object({
  jobId: z.uuid(),
  seq: z.number().int().min(0),
  /**
   * Enqueued while the upload still arrives (a standalone job, no flow):
   * processed with the job's plan so far, before acceptance; the job's flow
   * later finds the chunk done (same plan) or processes it again.
   */
  early: z.literal(true).optional(),
});
export const finalizeJobPayload = z.object({ jobId: z.uuid() });

const purgeExpiredPayload = z.object({});
/** A delivery and its round (a redelivery is a new round: a new BullMQ job). */
const deliverWebhookPayload = z.object({
  deliveryId: z.uuid(),
  round: z.number().int().min(0),
});

export type NormalizeChunkPayload = z.infer<typeof normalizeChunkPayload>;
export type FinalizeJobPayload = z.infer<typeof finalizeJobPayload>;
export type DeliverWebhookPayload = z.infer<typeof deliverWebhookPayload>;

const keepForADay = { age: 24 * 3600, count: 10_000 };
const keepFailedForAWeek = { age: 7 * 24 * 3600 };

export const jobCatalog = {
  'normalize-chunk': {
    queue: QUEUE_NAMES.chunks,
    payload: normalizeChunkPayload,
    options: {
      // Transient infrastructure failures (database restart, lost lock) get
      // retried; bad rows never fail a chunk, they become row errors.
      attempts: 8,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: keepForADay,
      removeOnFail: keepFailedForAWeek,
      failParentOnFailure: true,
    } satisfies JobsOptions,
  },
  'finalize-job': {
    queue: QUEUE_NAMES.jobs,
    payload: finalizeJobPayload,
    options: {
      attempts: 8,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: keepForADay,
      removeOnFail: keepFailedForAWeek,
    } satisfies JobsOptions,
  },
  'purge-expired': {
    queue: QUEUE_NAMES.maintenance,
    payload: purgeExpiredPayload,
    options: {
      // The next scheduled run tries again; a failed one is kept to be seen.
      attempts: 1,
      removeOnComplete: { count: 100 },
      removeOnFail: { count: 100 },
    } satisfies JobsOptions,
  },
  'deliver-webhook': {
    queue: QUEUE_NAMES.webhooks,
    payload: deliverWebhookPayload,
    // attempts and backoff come from WEBHOOK_MAX_ATTEMPTS and
    // WEBHOOK_BACKOFF_MS (webhook-deliveries.ts); PostgreSQL counts the
    // attempts that decide when a delivery has failed.
    options: {
      removeOnComplete: keepForADay,
      removeOnFail: keepFailedForAWeek,
    } satisfies JobsOptions,
  },
} as const;

export type JobName = keyof typeof jobCatalog;
/** The payload a job of this name carries (validated by the catalog on both sides). */
export type JobPayload<N extends JobName> = z.infer<(typeof jobCatalog)[N]['payload']>;

/**
 * BullMQ job ids derived from our own ids, so enqueuing the same work twice is
 * a no-op in Redis. BullMQ forbids ':' (its key separator) and all-digit ids.
 */
export const bullJobIds = {
  job: (jobId: string) => `job-${jobId}`,
  chunk: (jobId: string, seq: number) => `chunk-${jobId}-${seq}`,
  earlyChunk: (jobId: string, seq: number) => `early-${jobId}-${seq}`,
  webhookDelivery: (deliveryId: string, round: number) => `whd-${deliveryId}-${round}`,
};

/**
 * The Redis key of a job's cached status (the API's read-through cache of
 * finished jobs). Here because two processes use it: the API reads and
 * fills it, and whoever deletes a job (the API, the workers' retention
 * purge) drops it. Under the queue prefix, so it keeps a Cluster hash tag.
 */
export const jobStatusCacheKey = (prefix: string, tenantId: string, jobId: string) =>
  // Versioned by the cached JobView's shape: an entry stored by an older
  // version (without tenantId, errorsStored, errorCode) is never revived.
  // Per tenant: another tenant's lookup misses exactly like one for a job
  // that does not exist (same path, same timing).
  `${prefix}:cache:job:v3:${tenantId}:${jobId}`;
