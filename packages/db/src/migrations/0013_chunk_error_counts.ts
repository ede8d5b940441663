import { type Kysely, sql } from 'kysely';

/**
 * error_counts: a done chunk's row errors counted by column and code
 * (@sluice/contract's StoredErrorCounts), written by its commit in the same
 * update as its done-marker, from all of its errors: job_row_errors keeps at
 * most MAX_ERROR_ROWS_PER_JOB rows per job, so only these give exact counts
 * by column and code (GET /v1/jobs/{id}/errors/summary sums them). A chunk
 * commits once (fenced), so its counts are set once and never added to.
 *
 * Chunks done before this migration have none (null): the summary counts
 * their stored rows instead, and says when that is not all of them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table job_chunks add column error_counts jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table job_chunks drop column error_counts`.execute(db);
}
