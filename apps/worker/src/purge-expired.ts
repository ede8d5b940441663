import {
  type Database,
  purgeExpiredIdempotentRequests,
  purgeExpiredJobs,
  purgeExpiredWebhookEvents,
} from '@sluice/db';
import type { Logger } from '@sluice/lifecycle';
import type { WorkerMetrics } from '@sluice/metrics';
import type { RedisConnection } from '@sluice/queue';
import { jobStatusCacheKey } from '@sluice/queue';
import type { Kysely } from 'kysely';

/** Jobs deleted per statement: short transactions, little lock time. */
const BATCH = 500;
/** Batches per run at most: a backlog is worked off over several runs, none of them long. */
const MAX_BATCHES = 40;

/**
 * The scheduled retention purge (`purge-expired`, one run per
 * RETENTION_PURGE_INTERVAL_MS across all workers): deletes jobs that
 * finished over JOB_RETENTION_DAYS days ago, webhook events (with their
 * delivery log) of that age, and Idempotency-Keys of the other POSTs
 * (`idempotent_requests`) older than 24 hours, in batches, and counts what
 * went per table.
 */
export function createPurge(deps: {
  db: Kysely<Database>;
  metrics: WorkerMetrics;
  logger: Logger;
  retentionDays: number;
  /** The API's job status cache: entries of deleted jobs are dropped. */
  redis: RedisConnection;
  prefix: string;
}) {
  return async () => {
    const idempotencyKeys = await purgeIdempotencyKeys();
    // Job retention off (0 days): jobs are kept; keys still expire.
    if (deps.retentionDays === 0) return { jobs: 0, idempotencyKeys };
    let jobs = 0;
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const purged = await purgeExpiredJobs(deps.db, {
        olderThanDays: deps.retentionDays,
        limit: BATCH,
      });
      const count = purged.jobs.length;
      deps.metrics.rowsPurged.inc({ table: 'jobs' }, count);
      deps.metrics.rowsPurged.inc({ table: 'job_chunks' }, purged.chunks);
      deps.metrics.rowsPurged.inc({ table: 'job_row_errors' }, purged.rowErrors);
      if (count > 0) {
        await deps.redis.del(
          ...purged.jobs.map((j) => jobStatusCacheKey(deps.prefix, j.tenantId, j.id)),
        );
      }
      jobs += count;
      if (count < BATCH) break;
    }
    let webhookEvents = 0;
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const count = await purgeExpiredWebhookEvents(deps.db, {
        olderThanDays: deps.retentionDays,
        limit: BATCH,
      });
      deps.metrics.rowsPurged.inc({ table: 'webhook_events' }, count);
      webhookEvents += count;
      if (count < BATCH) break;
    }
    if (jobs > 0 || webhookEvents > 0) {
      deps.logger.info(
        { jobs, webhookEvents, retentionDays: deps.retentionDays },
        'retention: purged expired jobs and webhook events',
      );
    }
    return { jobs, idempotencyKeys };
  };

  async function purgeIdempotencyKeys(): Promise<number> {
    let purged = 0;
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const count = await purgeExpiredIdempotentRequests(deps.db, BATCH);
      deps.metrics.rowsPurged.inc({ table: 'idempotent_requests' }, count);
      purged += count;
      if (count < BATCH) break;
    }
    return purged;
  }
}
