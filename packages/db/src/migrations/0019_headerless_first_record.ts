import { type Kysely, sql } from 'kysely';

/**
 * A file without a header line (generated column names) has its first data
 * row on line 1: a chunk may then start at record 1. Records keep the
 * file's line numbers (the header, when there is one, is record 1, or the
 * line below the title lines skipped above it).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table job_chunks drop constraint job_chunks_first_record_check`.execute(db);
  await sql`alter table job_chunks add constraint job_chunks_first_record_check check (first_record >= 1)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table job_chunks drop constraint job_chunks_first_record_check`.execute(db);
  await sql`alter table job_chunks add constraint job_chunks_first_record_check check (first_record >= 2)`.execute(
    db,
  );
}
