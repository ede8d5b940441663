import {
  abandonDelivery,
  type Database,
  loadDeliveryWork,
  recordDeliveryAttempt,
  type WebhookDeliveryStatus,
} from '@sluice/db';
import type { Logger } from '@sluice/lifecycle';
import type { WorkerMetrics } from '@sluice/metrics';
import type { DeliverWebhookPayload } from '@sluice/queue';
import type { Kysely } from 'kysely';
import { type PostSettings, postMessage } from './post-message.ts';
import { signedHeaders } from './signature.ts';

export interface DelivererDeps {
  db: Kysely<Database>;
  metrics: WorkerMetrics;
  logger: Logger;
  /** WEBHOOK_MAX_ATTEMPTS: attempts per round, then the delivery has failed. */
  maxAttempts: number;
  post: PostSettings;
}

/** Thrown for an attempt that did not get a 2xx: BullMQ tries again after its backoff. */
class DeliveryNotAccepted extends Error {
  override name = 'DeliveryNotAccepted';
}

export type DeliveryOutcome = 'delivered' | 'failed' | 'stale' | 'abandoned';

/**
 * One attempt of a webhook delivery (BullMQ's `deliver-webhook`).
 * PostgreSQL decides: a delivery no longer pending in this round (delivered,
 * redelivered since, endpoint deleted) is left alone; the attempt is logged
 * and the delivery moved on in one fenced write; a 2xx delivers it, anything
 * else throws for a retry until the round's attempts are used up.
 */
export function createWebhookDeliverer(deps: DelivererDeps) {
  return async ({ deliveryId, round }: DeliverWebhookPayload): Promise<DeliveryOutcome> => {
    const work = await loadDeliveryWork(deps.db, deliveryId);
    if (work?.status !== 'pending' || work.round !== round) return 'stale';
    if (!work.endpointEnabled) {
      await abandonDelivery(deps.db, deliveryId, round, 'the endpoint is disabled');
      return 'abandoned';
    }
    const headers = signedHeaders(work.secret, work.messageId, work.body);
    const startedAt = new Date();
    const started = performance.now();
    const result = await postMessage(work.url, headers, work.body, deps.post);
    const durationMs = Math.round(performance.now() - started);
    const accepted =
      result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const last = work.roundAttempts + 1 >= deps.maxAttempts;
    const status: WebhookDeliveryStatus = accepted ? 'delivered' : last ? 'failed' : 'pending';
    const recorded = await recordDeliveryAttempt(deps.db, {
      deliveryId,
      round,
      startedAt,
      durationMs,
      statusCode: result.statusCode,
      error: result.error,
      status,
    });
    const outcome = accepted
      ? 'delivered'
      : result.refused
        ? 'refused'
        : last
          ? 'failed'
          : 'retrying';
    deps.metrics.webhookDeliveries.inc({ outcome });
    deps.metrics.webhookDeliveryDuration.observe({ outcome }, durationMs / 1000);
    if (!recorded) return 'stale';
    const fields = {
      deliveryId,
      messageId: work.messageId,
      attempt: work.roundAttempts + 1,
      statusCode: result.statusCode,
      err: result.error,
    };
    if (accepted) {
      deps.logger.debug(fields, 'webhook delivered');
      return 'delivered';
    }
    if (last) {
      deps.logger.warn(fields, 'webhook delivery failed: out of attempts');
      return 'failed';
    }
    throw new DeliveryNotAccepted(
      result.error ?? `the endpoint answered ${result.statusCode}, not 2xx`,
    );
  };
}
