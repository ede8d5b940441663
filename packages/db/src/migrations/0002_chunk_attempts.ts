import { type Kysely, sql } from 'kysely';

/**
 * Attempt fencing: a worker claims a chunk (attempt = attempt + 1) before it
 * processes it and may only commit while its attempt is still the latest, so
 * a stale attempt (lost its BullMQ lock, chunk handed to another worker)
 * cannot commit after a newer one started.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table job_chunks
      add column attempt integer not null default 0 check (attempt >= 0),
      add column claimed_by text,
      add column claimed_at timestamptz`.execute(db);
  // The reconciler looks for unfinished jobs by status and age.
  await sql`
    create index jobs_unfinished_idx on jobs (created_at)
      where status in ('queued', 'running')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index jobs_unfinished_idx`.execute(db);
  await sql`
    alter table job_chunks
      drop column claimed_at,
      drop column claimed_by,
      drop column attempt`.execute(db);
}
