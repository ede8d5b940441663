import type { StoredDryRun } from '@sluice/contract';
import type pg from 'pg';
import { datasetTable, quoteIdentifier } from './datasets.ts';
import { latestStagedRowsSql, type StageColumn } from './import-stage.ts';

/**
 * Dry-run imports: what an import's merge would do to its dataset, computed
 * from its stage (the rows the merge would take) against the dataset's
 * current contents, read-only. The merge (import-merge.ts) upserts the last
 * row per key and updates a present key only when one of the file's columns
 * differs (IS DISTINCT FROM, in the dataset's types); the statements here
 * apply exactly those rules, so the figures are the merge's.
 */

/** The dataset a dry run compares against. */
interface DryRunTarget {
  tenantId: string;
  name: string;
  tableName: string;
  key: string[];
}

interface Prepared {
  stage: string;
  columns: readonly StageColumn[];
  staged: number;
}

/** The file's columns that an update can change (the key's never do). */
function updatableColumns(columns: readonly StageColumn[], key: readonly string[]): string[] {
  const keySet = new Set(key);
  return columns.map((c) => c.target).filter((c) => !keySet.has(c));
}

/** `src` (the merge's rows) left-joined to the dataset `d` by key: d._job_id (never null) is null for a new key. */
function joinedSource(prepared: Prepared, target: DryRunTarget): string {
  const on = target.key.map((k) => `d.${quoteIdentifier(k)} = s.${quoteIdentifier(k)}`);
  return `(${latestStagedRowsSql(prepared.stage, prepared.columns, target.key)}) s
    left join ${datasetTable(target.tableName)} d on ${on.join(' and ')}`;
}

/**
 * Counts what the merge would do and, per column, in how many updated rows
 * it would change, in one statement; with the dataset's version, read under
 * its merge lock (held by the caller) so both are of one state.
 */
export async function computeDryRun(
  client: pg.PoolClient,
  target: DryRunTarget,
  prepared: Prepared,
): Promise<StoredDryRun> {
  const updatable = updatableColumns(prepared.columns, target.key);
  const q = quoteIdentifier;
  const rowChanged =
    updatable.length === 0
      ? 'false'
      : `(${updatable.map((c) => `d.${q(c)}`).join(', ')}) is distinct from (${updatable.map((c) => `s.${q(c)}`).join(', ')})`;
  const perColumn = updatable.map(
    (c, i) =>
      `count(*) filter (where d._job_id is not null and d.${q(c)} is distinct from s.${q(c)})::int as ch_${i}`,
  );
  const row = (
    await client.query<Record<string, number>>(
      `select count(*)::int as distinct_rows,
         (count(*) filter (where d._job_id is null))::int as inserted,
         (count(*) filter (where d._job_id is not null and ${rowChanged}))::int as updated
         ${perColumn.map((c) => `, ${c}`).join('')}
       from ${joinedSource(prepared, target)}`,
    )
  ).rows[0]!;
  const version = (
    await client.query<{ version: string }>(
      'select version from datasets where tenant_id = $1 and name = $2',
      [target.tenantId, target.name],
    )
  ).rows[0]!.version;
  const distinct = row.distinct_rows!;
  return {
    inserted: row.inserted!,
    updated: row.updated!,
    unchanged: distinct - row.inserted! - row.updated!,
    duplicate: prepared.staged - distinct,
    columnChanges: Object.fromEntries(updatable.map((c, i) => [c, row[`ch_${i}`]!])),
    datasetVersion: Number(version),
    datasetTable: target.tableName,
  };
}

/** A dry run's figures as import statistics (what the job reports). */
export function dryRunStats(dryRun: StoredDryRun) {
  return {
    staged: dryRun.inserted + dryRun.updated + dryRun.unchanged + dryRun.duplicate,
    inserted: dryRun.inserted,
    updated: dryRun.updated,
    unchanged: dryRun.unchanged,
    duplicate: dryRun.duplicate,
  };
}

/** diff.csv's header after the key columns. */
export const DIFF_COLUMNS = ['change', 'column', 'old_value', 'new_value'] as const;

/**
 * The COPY of diff.csv's rows (no header), in key order: for each key the
 * merge would update, one line per column it changes (update, column, old,
 * new); for each key it would insert, one line per column given a value
 * (insert, column, empty, new). Values in canonical text form (as the
 * dataset export), NULL as an empty field.
 */
export function dryRunDiffCopySql(prepared: Prepared, target: DryRunTarget): string {
  const q = quoteIdentifier;
  const updatable = updatableColumns(prepared.columns, target.key);
  if (updatable.length === 0) return 'copy (select where false) to stdout (format csv)';
  const values = updatable.map(
    (c, i) =>
      `(${i}, '${c}', d.${q(c)}::text, s.${q(c)}::text, d.${q(c)} is distinct from s.${q(c)})`,
  );
  const keys = target.key.map((k) => `s.${q(k)}::text`);
  const order = target.key.map((k) => `s.${q(k)}`);
  return `copy (
    select ${keys.join(', ')},
      case when d._job_id is null then 'insert' else 'update' end,
      v.col, v.old, v.new
    from ${joinedSource(prepared, target)}
    cross join lateral (values ${values.join(', ')}) v(ord, col, old, new, changed)
    where case when d._job_id is null then v.new is not null else v.changed end
    order by ${order.join(', ')}, v.ord
  ) to stdout (format csv)`;
}
