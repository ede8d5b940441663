import { type Kysely, sql } from 'kysely';

/**
 * Datasets: user-declared tables that import jobs upsert into by a unique key.
 * The catalog row describes the table; the table itself lives in its own
 * schema (`sluice_datasets`) so a dataset name can never collide with
 * Sluice's own tables. Import jobs record the dataset they target and, once
 * merged, what the merge did.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create schema if not exists sluice_datasets`.execute(db);
  await sql`
    create table datasets (
      name text primary key check (name ~ '^[a-z][a-z0-9_]{0,62}$'),
      columns jsonb not null,
      key_columns text[] not null check (cardinality(key_columns) > 0),
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    alter table jobs
      add column dataset text references datasets (name),
      add column rows_inserted integer,
      add column rows_updated integer,
      add column rows_unchanged integer,
      add column rows_duplicate integer,
      add constraint jobs_import_has_dataset check ((type = 'import') = (dataset is not null))`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table jobs
      drop constraint jobs_import_has_dataset,
      drop column rows_duplicate,
      drop column rows_unchanged,
      drop column rows_updated,
      drop column rows_inserted,
      drop column dataset`.execute(db);
  await sql`drop table datasets`.execute(db);
  await sql`drop schema sluice_datasets cascade`.execute(db);
}
