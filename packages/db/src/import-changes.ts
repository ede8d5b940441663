import { quoteIdentifier } from './datasets.ts';

/**
 * The change log of imports (migration 0021): what each import wrote, for
 * its revert (import-revert.ts) and the row history (row-history.ts).
 */

/** The change log's key_hash of a logged key (jsonb): what finds a row's history. */
const KEY_HASH_SQL = (key: string) => `hashtextextended((${key})::text, 0)`;

/** A string as an SQL literal. */
function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * `jsonb_build_object('k1', <alias>."k1", ...)`: a row's key as the change
 * log holds it (jsonb of the typed values, so `12` and `'12'` differ as they
 * do in the dataset).
 */
function keyObjectSql(alias: string, key: readonly string[]): string {
  return `jsonb_build_object(${key.map((k) => `${quoteLiteral(k)}, ${alias}.${quoteIdentifier(k)}`).join(', ')})`;
}

/**
 * The merge statement's CTE that logs its writes, SET-BASED, in the same
 * statement (import-merge.ts): `merged` (the upsert's RETURNING: inserted,
 * key columns) joined with `src` (the staged rows: their file line) and,
 * for the updated rows, with the dataset table itself, which every part of
 * one statement reads in the snapshot before the upsert: the pre-image.
 * Nothing is logged for unchanged rows (not written), and nothing twice:
 * the merge runs once per job (its job row lock and final status, in the
 * same transaction; a merge that rolls back takes its log with it).
 * $1: the job id, $2: the dataset's table name.
 */
export function changeLogCte(table: string, key: readonly string[], targetEmpty: boolean): string {
  const keys = key.map(quoteIdentifier);
  const sameKey = (a: string, b: string) => keys.map((k) => `${a}.${k} = ${b}.${k}`).join(' and ');
  // Into an empty table every row is an insert: no pre-image to read.
  const previous = targetEmpty
    ? { select: 'null::jsonb', join: '' }
    : {
        select: 'case when m.inserted then null else to_jsonb(p) end',
        join: `left join ${table} p on not m.inserted and ${sameKey('p', 'm')}`,
      };
  return `logged as (
      insert into import_changes (job_id, table_name, key, key_hash, inserted, previous, line)
      select $1::uuid, $2::text, k.key, ${KEY_HASH_SQL('k.key')}, m.inserted, ${previous.select}, s._line
      from merged m
      join src s on ${sameKey('s', 'm')}
      cross join lateral (select ${keyObjectSql('m', key)} as key) k
      ${previous.join}
    )`;
}
