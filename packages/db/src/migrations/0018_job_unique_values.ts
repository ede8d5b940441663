import { type Kysely, sql } from 'kysely';

/**
 * job_unique_values: the values of a job's `unique` columns (validation
 * rules), one row per accepted row and column, written by each chunk's
 * fenced commit (a chunk committed again replaces its own). No chunk sees
 * another, so duplicates within the file are found when the job is
 * finalized, over all of them (unique-values.ts). Values are kept as their
 * SHA-256 (a cell may be large) with the record number and the raw value
 * as written (for the error report).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table job_unique_values (
      job_id uuid not null references jobs(id) on delete cascade,
      seq integer not null,
      column_name text not null,
      value_hash bytea not null,
      record_number integer not null,
      raw_value text not null,
      primary key (job_id, column_name, value_hash, record_number)
    )`.execute(db);
  await sql`create index job_unique_values_chunk on job_unique_values (job_id, seq)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table job_unique_values`.execute(db);
}
