import { type Kysely, sql } from 'kysely';

/**
 * Revertible imports and row history (import-changes.ts). import_changes:
 * one row per dataset row an import wrote (inserted, or updated with other
 * values), written by the merge statement itself: the key (a jsonb object
 * of the key columns), whether it was inserted, the row as it was before
 * (the whole row, `_job_id` and `_updated_at` included, as jsonb; null when
 * inserted) and the file line it came from. The dataset table's name (not
 * the dataset's) identifies the dataset: a dataset deleted and declared
 * again gets a new table, and none of the old history. key_hash
 * (hashtextextended of the key's jsonb text) finds a row's history.
 *
 * Kept light, for the merge's sake (a 100k-row import logs 100k rows in its
 * merge statement): no foreign key to jobs (its per-row check trigger cost
 * more than the log itself), no index on the jsonb key (a bigint hash
 * instead), no primary key (a job logs a key once: the merge runs once per
 * job, under its job row lock and final status). The code that deletes a
 * job deletes its log (removeJob, purgeExpiredJobs);
 * ROW_HISTORY_RETENTION_DAYS removes it earlier. jobs.reverted_at: when the
 * import was reverted.
 *
 * Existing stage tables (imports under way during the upgrade) get the
 * `_line` column the chunk commits now fill.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table import_changes (
    job_id uuid not null,
    table_name text not null,
    key jsonb not null,
    key_hash bigint not null,
    inserted boolean not null,
    previous jsonb,
    line bigint
  )`.execute(db);
  await sql`create index import_changes_job_idx on import_changes (job_id)`.execute(db);
  await sql`create index import_changes_row_idx on import_changes (key_hash)`.execute(db);
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
