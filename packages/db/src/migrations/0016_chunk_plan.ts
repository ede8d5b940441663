import { type Kysely, sql } from 'kysely';

/**
 * plan: a done chunk's normalization plan (chunkPlan: the job's columns and
 * options it was processed with). Chunks processed while their upload still
 * arrives (UPLOAD_EARLY_PROCESSING) use the plan inferred so far; at the end
 * of the upload those done with another plan than the final one are put
 * back to pending (resetChunksOffPlan). Null for chunks processed before.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table job_chunks add column plan text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table job_chunks drop column plan`.execute(db);
}
