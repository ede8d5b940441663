import { Queue } from 'bullmq';
import { bullJobIds, jobCatalog } from './catalog.ts';
import type { RedisConnection } from './connections.ts';

/** A delivery round to carry: BullMQ's job id is derived from both. */
export interface DeliveryRound {
  id: string;
  round: number;
}

export interface WebhookDeliveryQueue {
  /**
   * Adds one job per delivery round. Ids are deterministic, so adding a
   * round Redis already has is a no-op.
   */
  enqueue(rounds: readonly DeliveryRound[]): Promise<void>;
  /**
   * For rounds PostgreSQL says are pending: adds the ones Redis lost (a
   * flush, a failover) and replaces those that ended in Redis without
   * ending in PostgreSQL. Returns how many it (re)added.
   */
  restore(rounds: readonly DeliveryRound[]): Promise<number>;
  close(): Promise<void>;
}

export function createWebhookDeliveryQueue(options: {
  connection: RedisConnection;
  prefix: string;
  /** WEBHOOK_MAX_ATTEMPTS and WEBHOOK_BACKOFF_MS. */
  attempts: number;
  backoffMs: number;
}): WebhookDeliveryQueue {
  const entry = jobCatalog['deliver-webhook'];
  let queue: Queue | undefined;
  const open = () =>
    (queue ??= new Queue(entry.queue, { connection: options.connection, prefix: options.prefix }));
  const job = (round: DeliveryRound) => ({
    name: 'deliver-webhook',
    data: entry.payload.parse({ deliveryId: round.id, round: round.round }),
    opts: {
      ...entry.options,
      attempts: options.attempts,
      backoff: { type: 'exponential', delay: options.backoffMs },
      jobId: bullJobIds.webhookDelivery(round.id, round.round),
    },
  });
  return {
    async enqueue(rounds) {
      if (rounds.length === 0) return;
      await open().addBulk(rounds.map(job));
    },
    async restore(rounds) {
      let added = 0;
      for (const round of rounds) {
        const id = bullJobIds.webhookDelivery(round.id, round.round);
        const state = await open().getJobState(id);
        if (state === 'completed' || state === 'failed') {
          await (await open().getJob(id))?.remove();
        } else if (state !== 'unknown') {
          continue; // waiting, delayed, active: it is being carried
        }
        await open().add(job(round).name, job(round).data, job(round).opts);
        added++;
      }
      return added;
    },
    close: async () => {
      await queue?.close();
    },
  };
}
