import { quoteIdentifier } from './datasets.ts';
import { KEY_HASH_SQL, keyObjectSql, UPDATES_ONLY } from './import-changes.ts';

/**
 * The statements of an import's revert (import-revert.ts), set-based.
 * Parameters of every one: $1 the job, $2 the dataset's table name, $3 the
 * tenant, $4 the dataset's name, $5 whether the job's inserts are implicit
 * (jobs.change_log 'updates', import-changes.ts).
 */

/** `d.k1 = k.k1 and ...`: the dataset row `d` of the key record `k`. */
function sameKeySql(key: readonly string[]): string {
  return key.map((k) => `d.${quoteIdentifier(k)} = k.${quoteIdentifier(k)}`).join(' and ');
}

/**
 * CTEs ending in `targets (key, inserted, previous)`: each key the job
 * wrote, whether it inserted it, and the pre-image it logged if it updated
 * it. Its logged rows first; then, when its inserts are implicit, the keys
 * it logged nothing for whose version it wrote is still somewhere: the
 * dataset row carries its `_job_id`, or a later import logged that version
 * as its pre-image (found through the log of the dataset's other jobs).
 */
function targetsCtes(table: string, key: readonly string[]): string {
  return `explicit as (
      select c.key, c.inserted, c.previous from import_changes c
      where c.job_id = $1 and c.table_name = $2
    ), implicit as (
      select ${keyObjectSql('d', key)} as key from ${table} d where $5 and d._job_id = $1
      union
      select c.key from import_changes c
      where $5 and c.table_name = $2 and c.previous->>'_job_id' = $1::text
        and c.job_id in (select id from jobs where tenant_id = $3 and dataset = $4 and id <> $1)
    ), targets as (
      select key, inserted, previous from explicit
      union all
      select i.key, true, null from implicit i
      where not exists (select from explicit e where e.key = i.key)
    )`;
}

/** The dataset rows the job wrote that a later write changed since: (job_id, rows) per later writer. */
export function laterWritesSql(table: string, key: readonly string[]): string {
  return `with ${targetsCtes(table, key)}
    select d._job_id as job_id, count(*)::int as rows
    from targets t cross join lateral jsonb_populate_record(null::${table}, t.key) k
    join ${table} d on ${sameKeySql(key)}
    where d._job_id <> $1
    group by d._job_id order by count(*) desc, d._job_id`;
}

/**
 * The revert itself, one statement: deletes the keys the job inserted and
 * upserts the pre-images of those it updated (`columns`: the table's, in
 * order, quoted; the key's taken from `key`), returning (deleted,
 * restored). First, the versions it is about to delete or overwrite whose
 * insert is implicit (their writer logged no pre-image for the key) are
 * logged as inserts: the row history keeps them, and a later revert of
 * their writer still finds them.
 */
export function revertStatementSql(
  table: string,
  key: readonly string[],
  columns: readonly string[],
): string {
  const keyColumns = new Set(key.map(quoteIdentifier));
  const rest = columns.filter((c) => !keyColumns.has(c));
  return `with ${targetsCtes(table, key)}, overwritten as (
      select t.key, d._job_id, d._line
      from targets t cross join lateral jsonb_populate_record(null::${table}, t.key) k
      join ${table} d on ${sameKeySql(key)}
    ), kept_inserts as (
      insert into import_changes (job_id, table_name, key, key_hash, inserted, previous, line)
      select o._job_id, $2, o.key, ${KEY_HASH_SQL('o.key')}, true, null, o._line
      from overwritten o join jobs w on w.id = o._job_id and w.change_log = '${UPDATES_ONLY}'
      where not exists (
        select from import_changes e
        where e.key_hash = ${KEY_HASH_SQL('o.key')} and e.key = o.key
          and e.job_id = o._job_id and e.table_name = $2
      )
    ), deleted as (
      delete from ${table} d using targets t, lateral jsonb_populate_record(null::${table}, t.key) k
      where t.inserted and ${sameKeySql(key)}
      returning 1
    ), restored as (
      insert into ${table} (${columns.join(', ')})
      select ${columns.map((c) => `p.${c}`).join(', ')}
      from targets t cross join lateral jsonb_populate_record(null::${table}, t.previous) p
      where not t.inserted
      on conflict (${key.map(quoteIdentifier).join(', ')})
      do update set ${rest.map((c) => `${c} = excluded.${c}`).join(', ')}
      returning 1
    )
    select (select count(*) from deleted)::int as deleted,
      (select count(*) from restored)::int as restored`;
}
