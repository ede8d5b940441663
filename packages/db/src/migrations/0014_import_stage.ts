import { type Kysely, sql } from 'kysely';

/**
 * sluice_import_stage: one unlogged table per unfinished import job, its
 * chunks' accepted rows in the dataset's types, written by each chunk's
 * commit so the job's final transaction only upserts (import-stage.ts).
 * Import jobs accepted before this migration have none: their merge stages
 * every chunk from its output, as before.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create schema if not exists sluice_import_stage`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop schema sluice_import_stage cascade`.execute(db);
}
