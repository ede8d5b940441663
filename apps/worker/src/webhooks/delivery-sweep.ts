import { type Database, findIdleDeliveries } from '@sluice/db';
import type { Logger } from '@sluice/lifecycle';
import type { WebhookDeliveryQueue } from '@sluice/queue';
import type { Kysely } from 'kysely';

export interface DeliverySweepDeps {
  db: Kysely<Database>;
  queue: WebhookDeliveryQueue;
  logger: Logger;
  /** RECONCILE_INTERVAL_MS (0 = off). */
  intervalMs: number;
  /** A pending delivery untouched this long is checked (RECONCILE_GRACE_MS). */
  idleMs: number;
  batchSize?: number;
}

/**
 * PostgreSQL's pending deliveries are the truth, Redis only carries them:
 * every interval, pending deliveries that have not moved for `idleMs` are
 * given back to BullMQ when Redis lost their job (FLUSHALL, failover) or it
 * ended there without ending here. Job ids are derived from the delivery and
 * its round, so several workers sweeping at once add nothing twice.
 */
export function createDeliverySweep(deps: DeliverySweepDeps) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  async function pass(): Promise<number> {
    const idle = await findIdleDeliveries(deps.db, deps.idleMs, deps.batchSize ?? 500);
    const restored = await deps.queue.restore(idle);
    if (restored > 0) deps.logger.info({ restored }, 'webhook deliveries re-enqueued');
    return restored;
  }

  const tick = () => {
    running ??= pass()
      .catch((err: unknown) => {
        deps.logger.warn({ err }, 'webhook delivery sweep failed');
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
  };

  return {
    start() {
      if (deps.intervalMs > 0) timer = setInterval(tick, deps.intervalMs);
    },
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
