import { type Database, purgeExpiredJobs, purgeExpiredWebhookEvents } from '@sluice/db';
import type { Logger } from '@sluice/lifecycle';
import type { WorkerMetrics } from '@sluice/metrics';
import { jobStatusCacheKey } from '@sluice/queue';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';

/** Jobs deleted per statement: short transactions, little lock time. */
const BATCH = 500;
/** Batches per run at most: a backlog is worked off over several runs, none of them long. */
const MAX_BATCHES = 40;

/**
 * The scheduled retention purge (`purge-expired`, one run per
 * RETENTION_PURGE_INTERVAL_MS across all workers): deletes jobs that
 * finished over JOB_RETENTION_DAYS days ago, in batches, and counts what
 * went per table; webhook events (with their delivery log) of that age too.
 */
export function createPurge(deps: {
  db: Kysely<Database>;
  metrics: WorkerMetrics;
  logger: Logger;
  retentionDays: number;
  /** The API's job status cache: entries of deleted jobs are dropped. */
  redis: Redis;
  prefix: string;
}) {
  return async () => {
    // Retention off (0 days): the schedule is removed at start; a run still
    // queued from before does nothing.
    if (deps.retentionDays === 0) return { jobs: 0 };
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
    return { jobs };
  };
}
