import { Queue } from 'bullmq';
import { jobCatalog } from './catalog.ts';
import type { RedisConnection } from './connections.ts';

/** The scheduler's id in Redis: one per schedule, whichever process sets it. */
const PURGE_SCHEDULER_ID = 'purge-expired';

/**
 * Sets (or, with `everyMs` undefined, removes) the schedule of the
 * retention purge: a BullMQ job scheduler, so the purge runs once per
 * interval across all workers, whichever takes it. Every worker calls this
 * at start; upserting the same scheduler is idempotent, and the last
 * caller's interval wins.
 */
export async function schedulePurge(options: {
  connection: RedisConnection;
  prefix: string;
  everyMs: number | undefined;
}): Promise<void> {
  const entry = jobCatalog['purge-expired'];
  const queue = new Queue(entry.queue, { connection: options.connection, prefix: options.prefix });
  try {
    if (options.everyMs === undefined) {
      await queue.removeJobScheduler(PURGE_SCHEDULER_ID);
      return;
    }
    await queue.upsertJobScheduler(
      PURGE_SCHEDULER_ID,
      { every: options.everyMs },
      { name: 'purge-expired', data: entry.payload.parse({}), opts: entry.options },
    );
  } finally {
    await queue.close();
  }
}
