import type { StoredDryRun } from '@sluice/contract';
import type pg from 'pg';
import { DATASET_LOCK_SQL } from './datasets.ts';
import { dryRunDiffCopySql } from './import-dry-run.ts';
import {
  type ImportMergeOptions,
  type ImportStats,
  type MergeTarget,
  mergeStage,
  setMergeTimeouts,
} from './import-merge.ts';
import { importStageTable, stageColumns } from './import-stage.ts';
import { prepareStage } from './import-stage-fill.ts';
import { copyOut, withRawClient } from './raw-client.ts';
import { storedJson } from './stored-json.ts';
import { retryTransient } from './transaction.ts';

/**
 * What a client does with a completed dry-run import: promote it to the real
 * import (its stage merged as the import's merge would have, no new upload)
 * or download its diff. Both hold only while the dataset is as the dry run
 * saw it: same table, same version (datasets.version, bumped by every merge
 * that writes the table, under the dataset's merge lock).
 */

/** Why a dry run cannot be promoted or diffed (besides the job being missing). */
export type DryRunRefusal =
  | { outcome: 'missing' }
  | { outcome: 'not-dry-run' }
  | { outcome: 'not-completed'; status: string }
  | { outcome: 'promoted' }
  | { outcome: 'dataset-changed'; datasetVersion: number | null; dryRunVersion: number };

export type PromoteOutcome =
  | DryRunRefusal
  | { outcome: 'merged'; stats: ImportStats }
  /** Promoted before (a repeated request): nothing done again. */
  | { outcome: 'already-promoted' };

interface DryRunJobRow {
  tenant_id: string;
  status: string;
  type: string;
  chunks_total: number;
  dataset: string | null;
  columns: unknown;
  dry_run: boolean;
  dry_run_result: unknown;
  promoted_at: Date | null;
}

interface DatasetRow {
  columns: unknown;
  key_columns: string[];
  table_name: string;
  version: string;
}

/**
 * The tenant's job as a completed, unpromoted dry run with its dataset, or
 * why not. Locks the job row (FOR UPDATE) when `lock`: promotions of one
 * job take turns, the second sees the first's promoted_at.
 */
async function readDryRun(
  client: pg.PoolClient,
  tenantId: string,
  jobId: string,
  lock: boolean,
): Promise<
  DryRunRefusal | { outcome: 'ready'; job: DryRunJobRow; result: StoredDryRun; dataset: DatasetRow }
> {
  const job = (
    await client.query<DryRunJobRow>(
      `select tenant_id, status, type, chunks_total, dataset, columns, dry_run, dry_run_result, promoted_at
       from jobs where id = $1 and tenant_id = $2${lock ? ' for update' : ''}`,
      [jobId, tenantId],
    )
  ).rows[0];
  if (!job) return { outcome: 'missing' };
  if (job.type !== 'import' || !job.dry_run || job.dataset === null) {
    return { outcome: 'not-dry-run' };
  }
  if (job.status !== 'completed' || job.dry_run_result === null) {
    return { outcome: 'not-completed', status: job.status };
  }
  if (job.promoted_at !== null) return { outcome: 'promoted' };
  const result = storedJson.dryRun.read(job.dry_run_result);
  const dataset = (
    await client.query<DatasetRow>(
      'select columns, key_columns, table_name, version from datasets where tenant_id = $1 and name = $2',
      [tenantId, job.dataset],
    )
  ).rows[0];
  if (!dataset || dataset.table_name !== result.datasetTable) {
    return {
      outcome: 'dataset-changed',
      datasetVersion: null,
      dryRunVersion: result.datasetVersion,
    };
  }
  if (Number(dataset.version) !== result.datasetVersion) {
    return {
      outcome: 'dataset-changed',
      datasetVersion: Number(dataset.version),
      dryRunVersion: result.datasetVersion,
    };
  }
  return { outcome: 'ready', job, result, dataset };
}

function mergeTarget(tenantId: string, name: string, dataset: DatasetRow): MergeTarget {
  return {
    tenantId,
    name,
    tableName: dataset.table_name,
    key: dataset.key_columns,
    datasetColumns: dataset.columns,
  };
}

/**
 * Promotes a completed dry run to the real import, in ONE transaction: the
 * job row locked (a repeated or concurrent promotion waits, then finds it
 * promoted), the dataset's merge lock taken and its version checked under
 * it (an import that merged since the dry run refuses the promotion: the
 * figures shown would no longer be what happens), then the dry run's stage
 * merged exactly as the import's merge does (restaged from the chunk outputs
 * if PostgreSQL lost it), the stage dropped and the job's import figures
 * recorded. Transaction-scoped locks and settings only (PgBouncer).
 */
export async function promoteDryRun(
  pool: pg.Pool,
  tenantId: string,
  jobId: string,
  options: ImportMergeOptions,
): Promise<PromoteOutcome> {
  return retryTransient(
    () =>
      withRawClient(pool, async (client) => {
        await client.query('begin');
        await setMergeTimeouts(client, options);
        const first = await readDryRun(client, tenantId, jobId, true);
        if (first.outcome !== 'ready') {
          await client.query('rollback');
          return first.outcome === 'promoted' ? { outcome: 'already-promoted' } : first;
        }
        await client.query(DATASET_LOCK_SQL, [first.dataset.table_name]);
        // Again under the lock: a merge that committed while we waited bumped the version.
        const ready = await readDryRun(client, tenantId, jobId, false);
        if (ready.outcome !== 'ready') {
          await client.query('rollback');
          return ready;
        }
        const prepared = await prepareStage(client, jobId, ready.job, ready.dataset.columns);
        const stats = await mergeStage(
          client,
          jobId,
          mergeTarget(tenantId, ready.job.dataset!, ready.dataset),
          prepared,
        );
        await client.query(
          `update jobs set rows_inserted = $2, rows_updated = $3, rows_unchanged = $4,
             rows_duplicate = $5, promoted_at = clock_timestamp()
           where id = $1`,
          [jobId, stats.inserted, stats.updated, stats.unchanged, stats.duplicate],
        );
        await client.query('commit');
        return { outcome: 'merged', stats };
      }),
    options,
  );
}

/**
 * A dry run's diff.csv rows (dryRunDiffCopySql), or why there is none.
 * Checked first (and the stage made whole, in a short transaction of its
 * own); the rows then stream from a COPY in a REPEATABLE READ transaction,
 * whose one snapshot holds both the version re-check and the rows, without
 * holding the dataset's merge lock while a slow client reads.
 */
export async function openDryRunDiff(
  pool: pg.Pool,
  tenantId: string,
  jobId: string,
  options: { statementTimeoutMs: number },
): Promise<DryRunRefusal | { outcome: 'ready'; key: string[]; rows: AsyncGenerator<Buffer> }> {
  const checked = await withRawClient(pool, async (client) => {
    await client.query('begin');
    await setMergeTimeouts(client, options);
    const found = await readDryRun(client, tenantId, jobId, false);
    if (found.outcome === 'ready')
      await prepareStage(client, jobId, found.job, found.dataset.columns);
    await client.query('commit');
    return found;
  });
  if (checked.outcome !== 'ready') return checked;
  return {
    outcome: 'ready',
    key: checked.dataset.key_columns,
    rows: streamDiff(pool, tenantId, jobId, options),
  };
}

/** The stage as the diff reads it (made whole by openDryRunDiff's check). */
function prepareStageReadOnly(jobId: string, found: { job: DryRunJobRow; dataset: DatasetRow }) {
  const columns = stageColumns(
    storedJson.jobColumns.read(found.job.columns),
    storedJson.datasetColumns.read(found.dataset.columns),
  );
  return { stage: importStageTable(jobId), columns, staged: 0 };
}

function streamDiff(
  pool: pg.Pool,
  tenantId: string,
  jobId: string,
  options: { statementTimeoutMs: number },
): AsyncGenerator<Buffer> {
  return copyOut(pool, 'begin isolation level repeatable read', async (client) => {
    await setMergeTimeouts(client, options);
    const found = await readDryRun(client, tenantId, jobId, false);
    // Promoted or outdated since the check: the download ends in an error, not in wrong rows.
    if (found.outcome !== 'ready') {
      throw new Error(`dry run ${jobId} is no longer diffable: ${found.outcome}`);
    }
    return dryRunDiffCopySql(prepareStageReadOnly(jobId, found), {
      tenantId,
      name: found.job.dataset!,
      tableName: found.dataset.table_name,
      key: found.dataset.key_columns,
    });
  });
}
