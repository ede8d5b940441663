import type pg from 'pg';
import { DATASET_LOCK_SQL, datasetTable } from './datasets.ts';
import { UPDATES_ONLY } from './import-changes.ts';
import { type ImportMergeOptions, setMergeTimeouts } from './import-merge.ts';
import { laterWritesSql, revertStatementSql } from './import-revert-sql.ts';
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
  change_log: string | null;
}

/**
 * Restores a dataset to its state before an import, in ONE transaction
 * under the dataset's merge lock (the one every import merge takes;
 * transaction-scoped, so it works through PgBouncer): the rows the import
 * inserted are deleted, those it updated get their previous values back
 * (`_job_id`, `_line` and `_updated_at` included; a row deleted since is put
 * back). The rows it inserted are its log's or, implicit (import-changes.ts),
 * the versions carrying its `_job_id` it logged no pre-image for.
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
      `select type, status, dataset, dry_run, promoted_at, reverted_at, rows_inserted, rows_updated,
         change_log
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
  if (!(await logIsWhole(client, jobId, dataset.table_name, job))) {
    return { outcome: 'history-unavailable' };
  }
  const table = datasetTable(dataset.table_name);
  const key = dataset.key_columns;
  const parameters = [
    jobId,
    dataset.table_name,
    tenantId,
    job.dataset,
    job.change_log === UPDATES_ONLY,
  ];
  const laterWrites = (
    await client.query<{ job_id: string; rows: number }>(laterWritesSql(table, key), parameters)
  ).rows.map((r) => ({ jobId: r.job_id, rows: r.rows }));
  if (laterWrites.length > 0 && !force) return { outcome: 'conflict', laterWrites };
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
  const reverted = (
    await client.query<{ deleted: number; restored: number }>(
      revertStatementSql(table, key, columns),
      parameters,
    )
  ).rows[0]!;
  await client.query(
    'update datasets set version = version + 1 where tenant_id = $1 and name = $2',
    [tenantId, job.dataset],
  );
  await client.query('update jobs set reverted_at = clock_timestamp() where id = $1', [jobId]);
  return {
    outcome: 'reverted',
    deleted: reverted.deleted,
    restored: reverted.restored,
    overwrote: laterWrites,
  };
}

/**
 * Whether the job's change log is all there: not purged (retention), and
 * every write the merge counted logged (the merge logs in its own
 * statement, so fewer means a log kept from before change logs existed, or
 * of a table the dataset no longer has). Implicit inserts (jobs.change_log
 * 'updates') are not logged: its updates are counted.
 */
async function logIsWhole(
  client: pg.PoolClient,
  jobId: string,
  tableName: string,
  job: RevertJobRow,
): Promise<boolean> {
  if (job.change_log === 'purged') return false;
  const implicitInserts = job.change_log === UPDATES_ONLY;
  const logged = (
    await client.query<{ n: number }>(
      `select count(*)::int as n from import_changes
       where job_id = $1 and table_name = $2 and not ($3 and inserted)`,
      [jobId, tableName, implicitInserts],
    )
  ).rows[0]!.n;
  return logged === (implicitInserts ? 0 : (job.rows_inserted ?? 0)) + (job.rows_updated ?? 0);
}
