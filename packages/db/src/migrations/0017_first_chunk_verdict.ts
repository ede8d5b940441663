import { type Kysely, sql } from 'kysely';

/**
 * verdict_pending: a first chunk committed while its upload still arrived
 * (an early chunk job) owes the job its error-rate verdict, given once the
 * job is accepted (judgeDoneFirstChunk clears it). Without the marker a done
 * first chunk was judged whenever a flow came to it, also after a retry,
 * whose point is to run the job although that verdict failed it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table job_chunks add column verdict_pending boolean not null default false`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table job_chunks drop column verdict_pending`.execute(db);
}
