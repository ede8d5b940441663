import { sql } from 'kysely';
import { quoteIdentifier } from './datasets.ts';
import type { Executor } from './schema.ts';

/**
 * The change log of imports (migrations 0021, 0022): what each import
 * overwrote, for its revert (import-revert.ts) and the row history
 * (row-history.ts). An import logs the pre-image of each row it updates;
 * the rows it inserts are not logged (jobs.change_log 'updates'): a dataset
 * row names its writer and file line (`_job_id`, `_line`), and so does each
 * pre-image, so a version written by job X whose key X logged no pre-image
 * for is X's insert. A revert that deletes or overwrites such a version
 * logs the insert first (revertStatementSql): the history keeps it.
 */

/** How a job's change log reads (jobs.change_log): its inserts are implicit. */
export const UPDATES_ONLY = 'updates';

/** The change log's key_hash of a logged key (jsonb): what finds a row's history. */
export const KEY_HASH_SQL = (key: string) => `hashtextextended((${key})::text, 0)`;

/** A string as an SQL literal. */
function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * `jsonb_build_object('k1', <alias>."k1", ...)`: a row's key as the change
 * log holds it (jsonb of the typed values, so `12` and `'12'` differ as they
 * do in the dataset).
 */
export function keyObjectSql(alias: string, key: readonly string[]): string {
  return `jsonb_build_object(${key.map((k) => `${quoteLiteral(k)}, ${alias}.${quoteIdentifier(k)}`).join(', ')})`;
}

/**
 * The merge statement's CTE that logs its updates, SET-BASED, in the same
 * statement (import-merge.ts): `merged` (the upsert's RETURNING: inserted,
 * key columns, the file line it wrote) joined, for the updated rows, with
 * the dataset table itself, which every part of one statement reads in the
 * snapshot before the upsert: the pre-image (its `_job_id` and `_line` name
 * the write it undoes). Inserted rows are not logged (their row says who
 * wrote them), nor unchanged ones (not written), nor anything twice: the
 * merge runs once per job (its job row lock and final status, in the same
 * transaction; a merge that rolls back takes its log with it).
 * $1: the job id, $2: the dataset's table name. Into an empty table there
 * is nothing to log: no CTE (undefined).
 */
export function changeLogCte(
  table: string,
  key: readonly string[],
  targetEmpty: boolean,
): string | undefined {
  if (targetEmpty) return undefined;
  const keys = key.map(quoteIdentifier);
  const sameKey = keys.map((k) => `p.${k} = m.${k}`).join(' and ');
  return `logged as (
      insert into import_changes (job_id, table_name, key, key_hash, inserted, previous, line)
      select $1::uuid, $2::text, k.key, ${KEY_HASH_SQL('k.key')}, false, to_jsonb(p), m._line
      from (select * from merged where not inserted) m
      join ${table} p on ${sameKey}
      cross join lateral (select ${keyObjectSql('m', key)} as key) k
    )`;
}

/**
 * Before a job's log goes (the job deleted): the pre-images it holds of
 * versions inserted by other jobs whose inserts are implicit are logged as
 * those jobs' inserts, or their history and revert would lose them with it.
 */
export async function keepOverwrittenInserts(db: Executor, jobId: string): Promise<void> {
  await sql`
    insert into import_changes (job_id, table_name, key, key_hash, inserted, previous, line)
    select w.id, c.table_name, c.key, c.key_hash, true, null, (c.previous->>'_line')::bigint
    from import_changes c
    join jobs w on w.id = (c.previous->>'_job_id')::uuid and w.change_log = ${UPDATES_ONLY}
    where c.job_id = ${jobId} and not c.inserted
      and not exists (
        select from import_changes e
        where e.key_hash = c.key_hash and e.key = c.key and e.job_id = w.id
          and e.table_name = c.table_name
      )`.execute(db);
}
