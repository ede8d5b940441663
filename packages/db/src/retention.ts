import { sql } from 'kysely';
import { UPDATES_ONLY } from './import-changes.ts';
import { dropImportStage } from './import-stage.ts';
import type { Executor } from './schema.ts';

/** What one purge batch removed. */
export interface PurgeCounts {
  /** The deleted jobs (for dropping what else refers to them, such as cache entries). */
  jobs: Array<{ id: string; tenantId: string }>;
  /** Chunk rows (each with its input and output bytes), removed with their jobs. */
  chunks: number;
  rowErrors: number;
}

/**
 * Deletes up to `limit` finished jobs (completed, failed, cancelled) that
 * finished more than `olderThanDays` days ago, with everything stored for
 * them (chunks and row errors go by cascade; they are counted first, for the
 * purge metrics). Oldest first; jobs another session holds locked are left
 * for the next batch. Unfinished jobs are never touched, however old.
 */
export async function purgeExpiredJobs(
  db: Executor,
  options: { olderThanDays: number; limit: number },
): Promise<PurgeCounts> {
  const result = await sql<{
    jobs: Array<{ id: string; tenantId: string; type: string }>;
    chunks: number;
    row_errors: number;
  }>`
    with doomed as (
      select id from jobs
      where status in ('completed', 'failed', 'cancelled')
        and finished_at < now() - make_interval(days => ${options.olderThanDays})
      order by finished_at
      limit ${options.limit}
      for update skip locked
    ), counted as (
      select
        (select count(*) from job_chunks c where c.job_id in (select id from doomed))::int as chunks,
        (select count(*) from job_row_errors e where e.job_id in (select id from doomed))::int
          as row_errors
    ), deleted as (
      delete from jobs where id in (select id from doomed) returning id, tenant_id, type
    ), history as (
      -- The change log has no foreign key (the merge writes it fast): it goes here.
      delete from import_changes where job_id in (select id from doomed)
    )
    select coalesce(
        (select json_agg(json_build_object('id', id, 'tenantId', tenant_id, 'type', type))
         from deleted), '[]'
      ) as jobs, chunks, row_errors
    from counted`.execute(db);
  const row = result.rows[0]!;
  // A finished import's stage went with its last transition; this one
  // drops any a crash left (the reconciler would too, later).
  for (const job of row.jobs) if (job.type === 'import') await dropImportStage(db, job.id);
  return {
    jobs: row.jobs.map(({ id, tenantId }) => ({ id, tenantId })),
    chunks: row.chunks,
    rowErrors: row.row_errors,
  };
}

/**
 * Deletes up to `limit` webhook events created more than `olderThanDays`
 * days ago, with their deliveries and attempts (cascade): the delivery log
 * is kept as long as the jobs it tells about. Returns how many went.
 */
export async function purgeExpiredWebhookEvents(
  db: Executor,
  options: { olderThanDays: number; limit: number },
): Promise<number> {
  const result = await sql<{ n: number }>`
    with doomed as (
      select id from webhook_events
      where created_at < now() - make_interval(days => ${options.olderThanDays})
      order by created_at
      limit ${options.limit}
      for update skip locked
    ), deleted as (
      delete from webhook_events where id in (select id from doomed) returning id
    )
    select count(*)::int as n from deleted`.execute(db);
  return result.rows[0]?.n ?? 0;
}

/**
 * Deletes the change logs (import_changes: what revert and the row history
 * read) of up to `limit` imports merged more than `olderThanDays` days ago,
 * oldest first; their jobs stay (and can no longer be reverted:
 * history_unavailable; marked 'purged', which also takes their implicit
 * inserts out of the row history). Jobs another session holds locked (a revert) are
 * left for the next batch. Returns the jobs and log rows that went.
 */
export async function purgeExpiredRowHistory(
  db: Executor,
  options: { olderThanDays: number; limit: number },
): Promise<{ jobs: number; rows: number }> {
  const result = await sql<{ jobs: number; rows: number }>`
    with doomed as (
      select j.id from jobs j
      where j.type = 'import'
        and coalesce(j.promoted_at, j.finished_at) < now() - make_interval(days => ${options.olderThanDays})
        and (j.change_log = ${UPDATES_ONLY}
          or (j.change_log is null and exists (select from import_changes c where c.job_id = j.id)))
      order by coalesce(j.promoted_at, j.finished_at)
      limit ${options.limit}
      for update of j skip locked
    ), deleted as (
      delete from import_changes where job_id in (select id from doomed) returning 1
    ), marked as (
      -- Its implicit inserts (the rows carrying its _job_id) leave the history too.
      update jobs set change_log = 'purged' where id in (select id from doomed)
    )
    select (select count(*) from doomed)::int as jobs, (select count(*) from deleted)::int as rows`.execute(
    db,
  );
  const row = result.rows[0]!;
  return { jobs: row.jobs, rows: row.rows };
}
