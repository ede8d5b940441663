import { type Kysely, sql } from 'kysely';

/**
 * Revertible imports and row history (import-changes.ts). import_changes:
 * one row per dataset row an import wrote (inserted, or updated with other
 * values), written by the merge statement itself: the key (a jsonb object
 * of the key columns), whether it was inserted, the row as it was before
 * (the whole row, `_job_id` and `_updated_at` included, as jsonb; null when
 * inserted) and the file line it came from. The dataset table's name (not
 * the dataset's) identifies the dataset: a dataset deleted and declared
 * again gets a new table, and none of the old history. Cascades with the
 * job (purged jobs keep no history); ROW_HISTORY_RETENTION_DAYS removes it
 * earlier. jobs.reverted_at: when the import was reverted.
 *
 * Existing stage tables (imports under way during the upgrade) get the
 * `_line` column the chunk commits now fill.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table import_changes (
    job_id uuid not null references jobs (id) on delete cascade,
    table_name text not null,
    key jsonb not null,
    inserted boolean not null,
    previous jsonb,
    line bigint,
    primary key (job_id, key)
  )`.execute(db);
  await sql`create index import_changes_row_idx on import_changes (table_name, key)`.execute(db);
  await sql`alter table jobs add column reverted_at timestamptz`.execute(db);
  await sql`do $$
    declare t record;
    begin
      for t in select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
               where n.nspname = 'sluice_import_stage' and c.relkind = 'r' loop
        execute format('alter table sluice_import_stage.%I add column if not exists _line bigint', t.relname);
      end loop;
    end $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table jobs drop column reverted_at`.execute(db);
  await sql`drop table import_changes`.execute(db);
}
