import type pg from 'pg';
import { DATASET_LOCK_SQL, datasetTable, quoteIdentifier } from './datasets.ts';
import { type ImportMergeOptions, setMergeTimeouts } from './import-merge.ts';
import { withRawClient } from './raw-client.ts';
import { retryTransient } from './transaction.ts';

/** Why an import cannot be reverted, or what reverting it did. */
export type RevertOutcome =
  | { outcome: 'reverted'; deleted: number; restored: number; overwrote: LaterWrite[] }
  | { outcome: 'missing' }
  /** Not an import job. */
  | { outcome: 'not-import' }
  /** A dry run never promoted: it wrote nothing. */
  | { outcome: 'dry-run' }
  | { outcome: 'not-completed'; status: string }
  | { outcome: 'already-reverted'; revertedAt: Date }
  /**
   * Its change log is gone (ROW_HISTORY_RETENTION_DAYS), was never written
   * (merged before change logs existed), or is of a table the dataset no
   * longer has (deleted and declared again, or deleted).
   */
  | { outcome: 'history-unavailable' }
  /** Later imports wrote rows this one wrote (without `force`): nothing done. */
  | { outcome: 'conflict'; laterWrites: LaterWrite[] };

/** A later job that wrote rows the reverted import wrote: which, and how many of them. */
export interface LaterWrite {
  jobId: string;
  rows: number;
}

interface RevertJobRow {
  type: string;
  status: string;
  dataset: string | null;
  dry_run: boolean;
  promoted_at: Date | null;
  reverted_at: Date | null;
  rows_inserted: number | null;
  rows_updated: number | null;
}

/**
 * `from import_changes c cross join lateral jsonb_populate_record(...) k
 * join <table> d on <key>`: the dataset rows the job's log names, the
 * logged key turned back into the key columns' types (so the primary key
 * finds them).
 */
function loggedRowsSql(table: string, key: readonly string[], where: string): string {
  const sameKey = key.map((k) => `d.${quoteIdentifier(k)} = k.${quoteIdentifier(k)}`);
  return `from import_changes c
    cross join lateral jsonb_populate_record(null::${table}, c.key) k
    join ${table} d on ${sameKey.join(' and ')}
    where c.job_id = $1 and ${where}`;
}

/**
 * Restores a dataset to its state before an import, in ONE transaction
 * under the dataset's merge lock (the one every import merge takes;
 * transaction-scoped, so it works through PgBouncer): the rows the import
 * inserted are deleted, those it updated get their previous values back
 * (`_job_id` and `_updated_at` included; a row deleted since is put back).
 * The job row is locked first, so a repeated or concurrent revert waits and
 * then finds it reverted (409 already_reverted: a revert is not undone by
 * reverting again). Refused while a later job wrote one of those rows (a
 * row whose `_job_id` is no longer this job's), unless `force`: its write
 * is then undone too. Bumps the dataset's version (a dry run computed
 * before is stale) and records jobs.reverted_at.
 */
export async function revertImport(
  pool: pg.Pool,
  tenantId: string,
  jobId: string,
  options: Pick<ImportMergeOptions, 'statementTimeoutMs' | 'lockTimeoutMs' | 'maxAttempts'> & {
    force: boolean;
  },
): Promise<RevertOutcome> {
  return retryTransient(
    () =>
      withRawClient(pool, async (client) => {
        await client.query('begin');
        await setMergeTimeouts(client, options);
        const outcome = await revertOnce(client, tenantId, jobId, options.force);
        await client.query(outcome.outcome === 'reverted' ? 'commit' : 'rollback');
        return outcome;
      }),
    options,
  );
}

async function revertOnce(
  client: pg.PoolClient,
  tenantId: string,
  jobId: string,
  force: boolean,
): Promise<RevertOutcome> {
  const job = (
    await client.query<RevertJobRow>(
      `select type, status, dataset, dry_run, promoted_at, reverted_at, rows_inserted, rows_updated
       from jobs where id = $1 and tenant_id = $2 for update`,
      [jobId, tenantId],
    )
  ).rows[0];
  if (!job) return { outcome: 'missing' };
  if (job.type !== 'import' || job.dataset === null) return { outcome: 'not-import' };
  if (job.status !== 'completed') return { outcome: 'not-completed', status: job.status };
  if (job.dry_run && job.promoted_at === null) return { outcome: 'dry-run' };
  if (job.reverted_at !== null) return { outcome: 'already-reverted', revertedAt: job.reverted_at };
  const dataset = (
    await client.query<{ table_name: string; key_columns: string[] }>(
      'select table_name, key_columns from datasets where tenant_id = $1 and name = $2',
      [tenantId, job.dataset],
    )
  ).rows[0];
  if (!dataset) return { outcome: 'history-unavailable' };
  await client.query(DATASET_LOCK_SQL, [dataset.table_name]);
  // Every row the merge wrote is logged (same statement): fewer means the log is not whole.
  const logged = (
    await client.query<{ n: number }>(
      'select count(*)::int as n from import_changes where job_id = $1 and table_name = $2',
      [jobId, dataset.table_name],
    )
  ).rows[0]!.n;
  if (logged !== (job.rows_inserted ?? 0) + (job.rows_updated ?? 0)) {
    return { outcome: 'history-unavailable' };
  }
  const table = datasetTable(dataset.table_name);
  const key = dataset.key_columns;
  const laterWrites = (
    await client.query<{ job_id: string; rows: number }>(
      `select d._job_id as job_id, count(*)::int as rows
       ${loggedRowsSql(table, key, 'd._job_id <> $1')}
       group by d._job_id order by count(*) desc, d._job_id`,
      [jobId],
    )
  ).rows.map((r) => ({ jobId: r.job_id, rows: r.rows }));
  if (laterWrites.length > 0 && !force) return { outcome: 'conflict', laterWrites };
  const deleted = await client.query(
    `delete from ${table} d using import_changes c,
       lateral jsonb_populate_record(null::${table}, c.key) k
     where c.job_id = $1 and c.inserted
       and ${key.map((k) => `d.${quoteIdentifier(k)} = k.${quoteIdentifier(k)}`).join(' and ')}`,
    [jobId],
  );
  // The whole previous row (table column order), upserted: also puts back a row deleted since.
  const columns = (
    await client.query<{ name: string }>(
      `select attname as name from pg_attribute
       where attrelid = $1::regclass and attnum > 0 and not attisdropped order by attnum`,
      [table],
    )
  ).rows
    // Sluice's own columns (`_job_id`) are no valid dataset column names: quoted as read.
    .map((r) => `"${r.name.replaceAll('"', '""')}"`);
  const keySet = new Set(key.map(quoteIdentifier));
  const rest = columns.filter((c) => !keySet.has(c));
  const restored = await client.query(
    `insert into ${table} (${columns.join(', ')})
     select ${columns.map((c) => `p.${c}`).join(', ')}
     from import_changes c cross join lateral jsonb_populate_record(null::${table}, c.previous) p
     where c.job_id = $1 and not c.inserted
     on conflict (${key.map(quoteIdentifier).join(', ')})
     do update set ${rest.map((c) => `${c} = excluded.${c}`).join(', ')}`,
    [jobId],
  );
  await client.query(
    'update datasets set version = version + 1 where tenant_id = $1 and name = $2',
    [tenantId, job.dataset],
  );
  await client.query('update jobs set reverted_at = clock_timestamp() where id = $1', [jobId]);
  return {
    outcome: 'reverted',
    deleted: deleted.rowCount ?? 0,
    restored: restored.rowCount ?? 0,
    overwrote: laterWrites,
  };
}
