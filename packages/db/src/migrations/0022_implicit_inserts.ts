import { type Kysely, sql } from 'kysely';

/**
 * A cheaper change log (import-changes.ts): the merge no longer logs the
 * rows it inserts, only the pre-image of the rows it updates. A dataset row
 * names its writer already (`_job_id`) and now its file line too (`_line`),
 * so an insert is read off the row itself, or off the pre-image a later
 * update logged: a version written by job X at line L whose key X logged
 * no pre-image for is X's insert.
 *
 * jobs.change_log says how a job's log reads: null, every write logged
 * (merged under 0021, inserts as rows of their own) or none (merged before
 * 0021); 'updates', merged from here on (its inserts are implicit);
 * 'purged', the log went with ROW_HISTORY_RETENTION_DAYS (its implicit
 * inserts went with it: the row history no longer shows them, revert
 * refuses).
 *
 * Existing dataset rows get `_line` null (a nullable column: added without
 * rewriting the tables). Their writers' logs are whole as they are.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table jobs add column change_log text
    check (change_log in ('updates', 'purged'))`.execute(db);
  await sql`do $$
    declare t record;
    begin
      for t in select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
               where n.nspname = 'sluice_datasets' and c.relkind = 'r' loop
        execute format('alter table sluice_datasets.%I add column if not exists _line bigint', t.relname);
      end loop;
    end $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table jobs drop column change_log`.execute(db);
}
