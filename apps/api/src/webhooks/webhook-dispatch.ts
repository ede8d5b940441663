import { type Database, pendingDeliveriesOfJob } from '@sluice/db';
import type { Logger } from '@sluice/lifecycle';
import type { WebhookDeliveryQueue } from '@sluice/queue';
import type { Kysely } from 'kysely';

/**
 * After a transition that committed its webhook deliveries (the outbox: a
 * cancel), hands them to BullMQ. Never fails the request: a delivery not
 * enqueued now is enqueued by the workers' sweep.
 */
export function createWebhookDispatch(deps: {
  db: Kysely<Database>;
  queue: WebhookDeliveryQueue;
  logger: Logger;
}): (jobId: string) => Promise<void> {
  return async (jobId) => {
    try {
      await deps.queue.enqueue(await pendingDeliveriesOfJob(deps.db, jobId));
    } catch (err) {
      deps.logger.warn({ err, jobId }, 'could not enqueue webhook deliveries; the sweep will');
    }
  };
}
