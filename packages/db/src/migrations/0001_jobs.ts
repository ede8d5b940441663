import { type Kysely, sql } from 'kysely';

/**
 * Jobs, their input chunks and per-row errors. PostgreSQL is the source of
 * truth: a job and all its chunks are written in one transaction before the
 * API answers 202, and a chunk's outputs land together with its done-marker.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table jobs (
      id uuid primary key,
      type text not null check (type in ('normalize', 'import')),
      status text not null default 'queued'
        check (status in ('queued', 'running', 'completed', 'failed', 'cancelled')),
      file_name text,
      header bytea not null,
      columns jsonb not null,
      options jsonb not null default '{}',
      bytes_total bigint not null check (bytes_total >= 0),
      chunks_total integer not null check (chunks_total >= 0),
      rows_total integer not null check (rows_total >= 0),
      rows_accepted integer,
      rows_rejected integer,
      errors_total integer,
      error text,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz
    )`.execute(db);
  await sql`create index jobs_created_at_idx on jobs (created_at desc)`.execute(db);

  await sql`
    create table job_chunks (
      job_id uuid not null references jobs (id) on delete cascade,
      seq integer not null check (seq >= 0),
      first_record integer not null check (first_record >= 2),
      record_count integer not null check (record_count > 0),
      data bytea not null,
      status text not null default 'pending' check (status in ('pending', 'done')),
      output bytea,
      rows_accepted integer,
      rows_rejected integer,
      rows_blank integer,
      errors_total integer,
      processed_by text,
      processed_at timestamptz,
      primary key (job_id, seq),
      check (status = 'pending' or (output is not null and rows_accepted is not null))
    )`.execute(db);

  await sql`
    create table job_row_errors (
      job_id uuid not null,
      chunk_seq integer not null,
      ordinal integer not null,
      record_number integer not null,
      column_name text,
      raw_value text,
      code text not null,
      message text not null,
      primary key (job_id, chunk_seq, ordinal),
      foreign key (job_id, chunk_seq) references job_chunks (job_id, seq) on delete cascade
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table job_row_errors`.execute(db);
  await sql`drop table job_chunks`.execute(db);
  await sql`drop table jobs`.execute(db);
}
