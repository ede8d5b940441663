import { isFinal, type StoredDryRun, type StoredJobStatus } from '@sluice/contract';
import type pg from 'pg';
import { DATASET_LOCK_SQL, datasetTable, quoteIdentifier } from './datasets.ts';
import { changeLogCte, UPDATES_ONLY } from './import-changes.ts';
import { computeDryRun, dryRunStats } from './import-dry-run.ts';
import { latestStagedRowsSql, type StageColumn } from './import-stage.ts';
import { prepareStage } from './import-stage-fill.ts';
import { withRawClient } from './raw-client.ts';
import { storedJson } from './stored-json.ts';
import { type RetryOptions, retryTransient } from './transaction.ts';
import { reportDuplicatesInFile } from './unique-values.ts';
import { RECORD_JOB_EVENT_SQL } from './webhook-outbox.ts';

export interface ImportMergeOptions extends RetryOptions {
  /** SET LOCAL statement_timeout for the merge (large imports need minutes). */
  statementTimeoutMs: number;
  lockTimeoutMs?: number;
  /**
   * Called when the chunks had not all staged their rows (a job accepted
   * before staging existed, a retried job, a refused value, a PostgreSQL
   * crash that emptied the unlogged stage): the merge staged them from the
   * chunk outputs instead.
   */
  onRestaged?: () => void;
  /** The job's error-row budget, for the duplicates of `unique` columns (unique-values.ts). */
  maxStoredErrorsPerJob?: number | undefined;
}

/** What merging an import job's accepted rows into its dataset did. */
export interface ImportStats {
  /** Accepted rows staged from the chunks. */
  staged: number;
  inserted: number;
  updated: number;
  /** Key already present with identical values: nothing written. */
  unchanged: number;
  /** Rows superseded by a later row with the same key in the same file (last one wins). */
  duplicate: number;
}

export type ImportFinalizeOutcome =
  | { outcome: 'completed'; dataset: string; stats: ImportStats; dryRun?: StoredDryRun }
  | { outcome: 'already-final' | 'chunks-pending' | 'not-accepted' | 'missing' }
  /**
   * An import into the same dataset accepted before this one is not final
   * yet: imports merge in acceptance order, so this one waits (a later file
   * must never be overwritten by an earlier one that finished later).
   */
  | { outcome: 'earlier-import-pending'; earlierJobId: string };

interface JobRow {
  tenant_id: string;
  status: StoredJobStatus;
  type: string;
  acceptance_seq: number | null;
  chunks_total: number;
  dataset: string | null;
  /** jsonb: parsed through the contract before use. */
  columns: unknown;
  dry_run: boolean;
}

/**
 * Builds the merge statement: the staged rows (already in the dataset's
 * types), last row per key wins (file order: chunk, then row in the chunk),
 * upserted by key. A key already present with the same values is left alone
 * (no new row version, no `_updated_at` bump), which is also what makes
 * re-running an import a no-op.
 *
 * Into an empty dataset (`targetEmpty`: checked under the dataset's merge
 * lock, which every writer of the table takes) a plain INSERT does the same:
 * DISTINCT ON leaves one row per key, so nothing can conflict, and it skips
 * the speculative insertion ON CONFLICT costs per row (4.0 s -> 2.7 s for
 * 950 k rows in a side-by-side run).
 *
 * Each row written carries its job and file line (`_job_id`, `_line`); the
 * same statement logs the pre-image of each row it updated (import_changes,
 * import-changes.ts): $1 the job, $2 the dataset's table name.
 */
function mergeStatement(
  stage: string,
  columns: readonly StageColumn[],
  tableName: string,
  key: string[],
  targetEmpty: boolean,
): string {
  const targets = columns.map((c) => quoteIdentifier(c.target));
  const keys = key.map(quoteIdentifier);
  const keySet = new Set(key);
  const updatable = columns
    .filter((c) => !keySet.has(c.target))
    .map((c) => quoteIdentifier(c.target));
  const table = datasetTable(tableName);
  const onConflict = targetEmpty
    ? ''
    : updatable.length === 0
      ? `on conflict (${keys.join(', ')}) do nothing`
      : `on conflict (${keys.join(', ')})
         do update set ${updatable.map((c) => `${c} = excluded.${c}`).join(', ')},
           _job_id = excluded._job_id, _updated_at = excluded._updated_at, _line = excluded._line
         where (${updatable.map((c) => `d.${c}`).join(', ')})
           is distinct from (${updatable.map((c) => `excluded.${c}`).join(', ')})`;
  const logged = changeLogCte(table, key, targetEmpty);
  return `
    with src as (
      ${latestStagedRowsSql(stage, columns, key)}
    ), merged as (
      insert into ${table} as d (${targets.join(', ')}, _job_id, _updated_at, _line)
      select ${targets.join(', ')}, $1::uuid, now(), _line from src
      ${onConflict}
      returning (xmax = 0) as inserted${logged === undefined ? '' : `, ${keys.map((k) => `d.${k}`).join(', ')}, d._line`}
    )${logged === undefined ? '' : `, ${logged}`}
    select
      (select count(*) from src)::int as distinct_rows,
      (count(*) filter (where inserted))::int as inserted,
      (count(*) filter (where not inserted))::int as updated
    from merged`;
}

/** The dataset an import merges into, as the merge reads it. */
export interface MergeTarget {
  tenantId: string;
  name: string;
  tableName: string;
  key: string[];
  datasetColumns: unknown;
}

/**
 * Upserts a prepared stage into its dataset (under the dataset's lock, which
 * the caller holds), drops the stage (with the commit) and bumps the
 * dataset's version when a row was written.
 */
export async function mergeStage(
  client: pg.PoolClient,
  jobId: string,
  target: MergeTarget,
  prepared: { stage: string; columns: readonly StageColumn[]; staged: number },
): Promise<ImportStats> {
  // Under that lock nobody else writes the table: empty now means empty at the insert.
  const targetEmpty = (
    await client.query<{ empty: boolean }>(
      `select not exists (select from ${datasetTable(target.tableName)}) as empty`,
    )
  ).rows[0]!.empty;
  // An aggregate without GROUP BY: exactly one row, even when nothing was written.
  const merged = (
    await client.query<{ distinct_rows: number; inserted: number; updated: number }>(
      mergeStatement(prepared.stage, prepared.columns, target.tableName, target.key, targetEmpty),
      // Into an empty table nothing is logged: no $2.
      targetEmpty ? [jobId] : [jobId, target.tableName],
    )
  ).rows[0]!;
  // The stage has served: gone with this commit (kept if the merge rolls back).
  await client.query(`drop table ${prepared.stage}`);
  // Its log holds its updates; its inserts are the rows carrying its _job_id.
  await client.query('update jobs set change_log = $2 where id = $1', [jobId, UPDATES_ONLY]);
  // A dry run computed against the dataset as it was is stale from here.
  if (merged.inserted + merged.updated > 0) {
    await client.query(
      'update datasets set version = version + 1 where tenant_id = $1 and name = $2',
      [target.tenantId, target.name],
    );
  }
  return {
    staged: prepared.staged,
    inserted: merged.inserted,
    updated: merged.updated,
    unchanged: merged.distinct_rows - merged.inserted - merged.updated,
    duplicate: prepared.staged - merged.distinct_rows,
  };
}

async function mergeOnce(client: pg.PoolClient, jobId: string, options: ImportMergeOptions) {
  await client.query('begin');
  await setMergeTimeouts(client, options);
  // The job row lock makes the merge and the final statistics happen once.
  const job = (
    await client.query<JobRow>(
      'select tenant_id, status, type, chunks_total, dataset, columns, acceptance_seq, dry_run from jobs where id = $1 for update',
      [jobId],
    )
  ).rows[0];
  if (!job) return { outcome: 'missing' } as const;
  if (isFinal(job.status)) return { outcome: 'already-final' } as const;
  if (job.status === 'receiving') return { outcome: 'not-accepted' } as const;
  if (job.type !== 'import' || job.dataset === null) {
    throw new TypeError(`job ${jobId} is not an import job`);
  }
  const done = (
    await client.query<{ n: number }>(
      `select count(*)::int as n from job_chunks where job_id = $1 and status = 'done'`,
      [jobId],
    )
  ).rows[0]!.n;
  if (done < job.chunks_total) return { outcome: 'chunks-pending' } as const;
  // Imports into one dataset merge in the order they were accepted.
  const earlier = (
    await client.query<{ id: string }>(
      `select id from jobs
       where tenant_id = $1 and dataset = $2 and status in ('queued', 'running')
         and acceptance_seq < $3
       order by acceptance_seq limit 1`,
      [job.tenant_id, job.dataset, job.acceptance_seq],
    )
  ).rows[0];
  if (earlier) return { outcome: 'earlier-import-pending', earlierJobId: earlier.id } as const;
  const dataset = (
    await client.query<{ columns: unknown; key_columns: string[]; table_name: string }>(
      'select columns, key_columns, table_name from datasets where tenant_id = $1 and name = $2',
      [job.tenant_id, job.dataset],
    )
  ).rows[0];
  if (!dataset) throw new Error(`dataset ${job.dataset} of job ${jobId} does not exist`);
  // Imports into one dataset take turns: concurrent upserts of overlapping
  // keys would otherwise deadlock each other. Transaction-scoped (PgBouncer).
  // A dry run takes it too: its figures and the version it records are then
  // of one state of the dataset.
  await client.query(DATASET_LOCK_SQL, [dataset.table_name]);
  const prepared = await prepareStage(client, jobId, job, dataset.columns);
  const target: MergeTarget = {
    tenantId: job.tenant_id,
    name: job.dataset,
    tableName: dataset.table_name,
    key: dataset.key_columns,
    datasetColumns: dataset.columns,
  };
  if (prepared.restaged) options.onRestaged?.();
  if (job.dry_run) {
    // Nothing written: the stage stays for the diff and the promotion.
    const dryRun = await computeDryRun(client, target, prepared);
    return {
      outcome: 'completed' as const,
      dataset: job.dataset,
      stats: dryRunStats(dryRun),
      dryRun,
    };
  }
  const stats = await mergeStage(client, jobId, target, prepared);
  return { outcome: 'completed' as const, dataset: job.dataset, stats };
}

/** SET LOCAL statement_timeout (and lock_timeout) for the merge's transaction. */
export async function setMergeTimeouts(
  client: pg.PoolClient,
  options: Pick<ImportMergeOptions, 'statementTimeoutMs' | 'lockTimeoutMs'>,
): Promise<void> {
  await client.query(`select set_config('statement_timeout', $1, true)`, [
    String(options.statementTimeoutMs),
  ]);
  if (options.lockTimeoutMs !== undefined) {
    await client.query(`select set_config('lock_timeout', $1, true)`, [
      String(options.lockTimeoutMs),
    ]);
  }
}

/**
 * The final step of an import job, exactly once: in ONE transaction, upsert
 * the rows its chunks staged (import-stage.ts; staged here from the chunk
 * outputs when they did not) into the dataset by its key, drop the stage, and
 * commit the job's final statistics. Nothing of
 * the import is visible before that commit, so a crash at any point leaves
 * the dataset untouched and the step can simply run again (BullMQ retries
 * the parent job; the reconciler re-enqueues it if Redis lost it).
 *
 * Uses a raw pooled client because COPY (staging from outputs) needs one; a client whose connection
 * broke is destroyed, never returned to the pool.
 */
export async function finalizeImportJob(
  pool: pg.Pool,
  jobId: string,
  options: ImportMergeOptions,
): Promise<ImportFinalizeOutcome> {
  return retryTransient(
    () =>
      withRawClient(pool, async (client) => {
        const result = await mergeOnce(client, jobId, options);
        if (result.outcome !== 'completed') {
          await client.query('rollback');
          return result;
        }
        const { stats } = result;
        // Every chunk is in: duplicates of `unique` columns across the whole file.
        await reportDuplicatesInFile(
          async (text, parameters) => (await client.query(text, parameters)).rows,
          jobId,
          options.maxStoredErrorsPerJob ?? Number.MAX_SAFE_INTEGER,
        );
        // A dry run's figures are its own: the import counts stay null until it is promoted.
        const { dryRun } = result;
        const merged = dryRun ? null : stats;
        // finished_at by clock_timestamp(): now() is this transaction's start,
        // before the lock wait and the merge (seconds for a large import).
        await client.query(
          `update jobs set status = 'completed',
           rows_accepted = t.accepted, rows_rejected = t.rejected, errors_total = t.errors,
           rows_inserted = $2, rows_updated = $3, rows_unchanged = $4, rows_duplicate = $5,
           dry_run_result = $6::jsonb,
           started_at = coalesce(started_at, now()), finished_at = clock_timestamp()
         from (select coalesce(sum(rows_accepted), 0)::int as accepted,
                      coalesce(sum(rows_rejected), 0)::int as rejected,
                      coalesce(sum(errors_total), 0)::int as errors
               from job_chunks where job_id = $1) t
         where id = $1`,
          [
            jobId,
            merged?.inserted ?? null,
            merged?.updated ?? null,
            merged?.unchanged ?? null,
            merged?.duplicate ?? null,
            dryRun ? storedJson.dryRun.write(dryRun) : null,
          ],
        );
        // The webhook outbox, in the transaction that completes the job.
        await client.query(RECORD_JOB_EVENT_SQL, [jobId, 'job.completed']);
        await client.query('commit');
        return result;
      }),
    options,
  );
}
