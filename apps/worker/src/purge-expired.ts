import {
  type Database,
  purgeExpiredIdempotentRequests,
  purgeExpiredJobs,
  purgeExpiredRowHistory,
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
/** Imports whose change log is deleted per statement (each may log a million rows). */
const HISTORY_BATCH = 10;

/**
 * The scheduled retention purge (`purge-expired`, one run per
 * RETENTION_PURGE_INTERVAL_MS across all workers): deletes jobs that
 * finished over JOB_RETENTION_DAYS days ago, webhook events (with their
 * delivery log) of that age, and Idempotency-Keys of the other POSTs
 * (`idempotent_requests`) older than 24 hours, and the change logs of
 * imports merged over ROW_HISTORY_RETENTION_DAYS days ago (revert and row
 * history), in batches, and counts what went per table.
 */
export function createPurge(deps: {
  db: Kysely<Database>;
  metrics: WorkerMetrics;
  logger: Logger;
  retentionDays: number;
  /** ROW_HISTORY_RETENTION_DAYS (0: the change log goes with its job). */
  historyRetentionDays: number;
  /** The API's job status cache: entries of deleted jobs are dropped. */
  redis: RedisConnection;
  prefix: string;
}) {
  return async () => {
    const idempotencyKeys = await purgeIdempotencyKeys();
    const history = await purgeRowHistory();
    // Job retention off (0 days): jobs are kept; keys still expire.
    if (deps.retentionDays === 0) return { jobs: 0, idempotencyKeys, history };
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
    return { jobs, idempotencyKeys, history };
  };

  /** The imports whose change log went. */
  async function purgeRowHistory(): Promise<number> {
    if (deps.historyRetentionDays === 0) return 0;
    let jobs = 0;
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const purged = await purgeExpiredRowHistory(deps.db, {
        olderThanDays: deps.historyRetentionDays,
        limit: HISTORY_BATCH,
      });
      deps.metrics.rowsPurged.inc({ table: 'import_changes' }, purged.rows);
      jobs += purged.jobs;
      if (purged.jobs < HISTORY_BATCH) break;
    }
    if (jobs > 0) {
      deps.logger.info(
        { imports: jobs, historyRetentionDays: deps.historyRetentionDays },
        'retention: purged the change logs of old imports',
      );
    }
    return jobs;
  }

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
