import { type Kysely, sql } from 'kysely';

/**
 * Retrying a failed or cancelled job resumes it: chunks already done stay
 * done, pending ones run again. A chunk's `attempt` must keep growing (it is
 * the fencing token: a stale attempt of before the retry must not commit),
 * so the claims counted against RECONCILE_MAX_CHUNK_CLAIMS start from
 * `attempt_base`, which a retry sets to the chunk's attempt.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table job_chunks add column attempt_base integer not null default 0`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table job_chunks drop column attempt_base`.execute(db);
}
