import { type Kysely, sql } from 'kysely';

/**
 * error_rows_stored: how many of a job's row errors are stored in
 * job_row_errors. Chunk commits take their share of the per-job cap
 * (MAX_ERROR_ROWS_PER_JOB) from it in their own transaction, so the stored
 * count is exact however many chunks commit at once; the counts on
 * job_chunks stay exact (errors_total), so the report knows it was cut.
 *
 * error_code: why a failed job failed, one of @sluice/contract's
 * JOB_FAILURE_CODES (null otherwise).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table jobs
      add column error_rows_stored integer not null default 0 check (error_rows_stored >= 0),
      add column error_code text
        constraint jobs_error_code_check
        check (error_code in ('error_rate_exceeded', 'chunk_failed', 'chunk_crash_loop', 'import_failed', 'import_timed_out'))`.execute(
    db,
  );
  await sql`
    update jobs set error_rows_stored = e.n
    from (select job_id, count(*)::int as n from job_row_errors group by job_id) e
    where jobs.id = e.job_id`.execute(db);
  // Jobs failed before this migration: their code from the words they failed with.
  await sql`
    update jobs set error_code = case
        when error like 'chunk % failed after % attempts%' then 'chunk_failed'
        when error like 'a chunk was started % times without finishing%' then 'chunk_crash_loop'
        when error like 'import into the dataset failed%' then 'import_failed'
      end
    where status = 'failed'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table jobs drop column error_code, drop column error_rows_stored`.execute(db);
}
