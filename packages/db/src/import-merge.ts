import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isFinal, outputColumns, type StoredJobStatus } from '@sluice/contract';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DATASET_LOCK_SQL, datasetTable, quoteIdentifier } from './datasets.ts';
import {
  createStageSql,
  importStageTable,
  STAGE_LOCK_SQL,
  type StageColumn,
  stageColumns,
  stageLockKey,
} from './import-stage.ts';
import { isTransientDatabaseError } from './postgres-errors.ts';
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
  | { outcome: 'completed'; dataset: string; stats: ImportStats }
  | { outcome: 'already-final' | 'chunks-pending' | 'not-accepted' | 'missing' }
  /**
   * An import into the same dataset accepted before this one is not final
   * yet: imports merge in acceptance order, so this one waits (a later file
   * must never be overwritten by an earlier one that finished later).
   */
  | { outcome: 'earlier-import-pending'; earlierJobId: string };

/** Chunk outputs as text, for staging them here (private to the transaction, dropped at commit). */
const TEXT_STAGE = 'pg_temp.sluice_import_text';

interface JobRow {
  tenant_id: string;
  status: StoredJobStatus;
  type: string;
  acceptance_seq: number | null;
  chunks_total: number;
  dataset: string | null;
  /** jsonb: parsed through the contract before use. */
  columns: unknown;
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
 */
function mergeStatement(
  stage: string,
  columns: readonly StageColumn[],
  tableName: string,
  key: string[],
  targetEmpty: boolean,
): string {
  const picks = columns.map((c) => `s.${c.stage} as ${quoteIdentifier(c.target)}`);
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
           _job_id = excluded._job_id, _updated_at = excluded._updated_at
         where (${updatable.map((c) => `d.${c}`).join(', ')})
           is distinct from (${updatable.map((c) => `excluded.${c}`).join(', ')})`;
  return `
    with src as (
      select distinct on (${keys.join(', ')}) ${targets.join(', ')}
      from (select s._seq, s._row, ${picks.join(', ')} from ${stage} s) t
      order by ${keys.join(', ')}, t._seq desc, t._row desc
    ), merged as (
      insert into ${table} as d (${targets.join(', ')}, _job_id, _updated_at)
      select ${targets.join(', ')}, $1::uuid, now() from src
      ${onConflict}
      returning (xmax = 0) as inserted
    )
    select
      (select count(*) from src)::int as distinct_rows,
      (count(*) filter (where inserted))::int as inserted,
      (count(*) filter (where not inserted))::int as updated
    from merged`;
}

async function copyInto(client: pg.PoolClient, columns: string[], data: Buffer): Promise<void> {
  const stream = client.query(
    copyFrom(`copy ${TEXT_STAGE} (${columns.join(', ')}) from stdin (format csv)`),
  );
  await pipeline(Readable.from([data]), stream);
}

/**
 * Stages the job's rows from its chunk outputs, replacing whatever its
 * stage holds: for a job whose chunks did not all stage their rows at
 * commit (accepted before staging existed; retried after a failure or
 * cancel, which dropped the stage; a PostgreSQL crash, which empties
 * unlogged tables; a value the column's type refuses, which this meets
 * again and fails on). COPY into a text table, then cast as the chunks
 * would have; one chunk in memory at a time. Returns the rows staged.
 */
async function restageFromOutputs(
  client: pg.PoolClient,
  jobId: string,
  chunksTotal: number,
  stage: string,
  columns: readonly StageColumn[],
  outputCount: number,
): Promise<number> {
  // The chunk outputs hold the output columns only (not the dropped ones).
  const textColumns = Array.from({ length: outputCount }, (_, i) => `c${i}`);
  await client.query(`delete from ${stage}`);
  await client.query(
    `create temp table sluice_import_text (
       _ord bigint generated always as identity,
       ${textColumns.map((c) => `${c} text`).join(', ')}
     ) on commit drop`,
  );
  for (let seq = 0; seq < chunksTotal; seq++) {
    const output = (
      await client.query<{ output: Buffer | null }>(
        'select output from job_chunks where job_id = $1 and seq = $2',
        [jobId, seq],
      )
    ).rows[0]?.output;
    if (output && output.byteLength > 0) await copyInto(client, textColumns, output);
  }
  // One _seq for all: _ord alone is file order here. Normalized values are
  // already in their type's canonical text form, so the cast cannot
  // reinterpret them.
  const names = columns.map((c) => c.stage);
  const casts = columns.map((c) => `nullif(t.${c.stage}, '')::${c.sqlType}`);
  const inserted = await client.query(
    `insert into ${stage} (_seq, _row, ${names.join(', ')})
     select 0, t._ord, ${casts.join(', ')} from ${TEXT_STAGE} t`,
  );
  return inserted.rowCount ?? 0;
}

async function mergeOnce(client: pg.PoolClient, jobId: string, options: ImportMergeOptions) {
  await client.query('begin');
  await client.query(`select set_config('statement_timeout', $1, true)`, [
    String(options.statementTimeoutMs),
  ]);
  if (options.lockTimeoutMs !== undefined) {
    await client.query(`select set_config('lock_timeout', $1, true)`, [
      String(options.lockTimeoutMs),
    ]);
  }
  // The job row lock makes the merge and the final statistics happen once.
  const job = (
    await client.query<JobRow>(
      'select tenant_id, status, type, chunks_total, dataset, columns, acceptance_seq from jobs where id = $1 for update',
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
  await client.query(DATASET_LOCK_SQL, [dataset.table_name]);
  // Under that lock nobody else writes the table: empty now means empty at the insert.
  const targetEmpty = (
    await client.query<{ empty: boolean }>(
      `select not exists (select from ${datasetTable(dataset.table_name)}) as empty`,
    )
  ).rows[0]!.empty;
  const jobColumns = storedJson.jobColumns.read(job.columns);
  const columns = stageColumns(jobColumns, storedJson.datasetColumns.read(dataset.columns));
  const stage = importStageTable(jobId);
  // The chunks staged their accepted rows as they committed (import-stage.ts).
  // Exclusive: the table may have to be made here (a job accepted before
  // staging existed, or retried), and this transaction drops it.
  await client.query(STAGE_LOCK_SQL, [stageLockKey(jobId)]);
  await client.query(createStageSql(jobId, columns));
  const counts = (
    await client.query<{ staged: number; accepted: number }>(
      `select (select count(*) from ${stage})::int as staged,
         (select coalesce(sum(rows_accepted), 0) from job_chunks where job_id = $1)::int as accepted`,
      [jobId],
    )
  ).rows[0]!;
  // Each chunk stages its rows once (fenced, in its commit), so equal counts
  // mean every chunk is staged exactly once; otherwise stage from the outputs.
  const restaged = counts.staged !== counts.accepted;
  const staged = !restaged
    ? counts.staged
    : await restageFromOutputs(
        client,
        jobId,
        job.chunks_total,
        stage,
        columns,
        outputColumns(jobColumns).length,
      );
  // An aggregate without GROUP BY: exactly one row, even when nothing was written.
  const merged = (
    await client.query<{ distinct_rows: number; inserted: number; updated: number }>(
      mergeStatement(stage, columns, dataset.table_name, dataset.key_columns, targetEmpty),
      [jobId],
    )
  ).rows[0]!;
  // The stage has served: gone with this commit (kept if the merge rolls back).
  await client.query(`drop table ${stage}`);
  const stats: ImportStats = {
    staged,
    inserted: merged.inserted,
    updated: merged.updated,
    unchanged: merged.distinct_rows - merged.inserted - merged.updated,
    duplicate: staged - merged.distinct_rows,
  };
  if (restaged) options.onRestaged?.();
  return { outcome: 'completed' as const, dataset: job.dataset, stats };
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
  return retryTransient(async () => {
    const client = await pool.connect();
    let broken: Error | undefined;
    // A checked-out client whose connection dies emits 'error'; unheard, that
    // would crash the process. Heard, it marks the client for destruction.
    const onError = (error: Error) => {
      broken ??= error;
    };
    client.on('error', onError);
    try {
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
      // finished_at by clock_timestamp(): now() is this transaction's start,
      // before the lock wait and the merge (seconds for a large import).
      await client.query(
        `update jobs set status = 'completed',
           rows_accepted = t.accepted, rows_rejected = t.rejected, errors_total = t.errors,
           rows_inserted = $2, rows_updated = $3, rows_unchanged = $4, rows_duplicate = $5,
           started_at = coalesce(started_at, now()), finished_at = clock_timestamp()
         from (select coalesce(sum(rows_accepted), 0)::int as accepted,
                      coalesce(sum(rows_rejected), 0)::int as rejected,
                      coalesce(sum(errors_total), 0)::int as errors
               from job_chunks where job_id = $1) t
         where id = $1`,
        [jobId, stats.inserted, stats.updated, stats.unchanged, stats.duplicate],
      );
      // The webhook outbox, in the transaction that completes the job.
      await client.query(RECORD_JOB_EVENT_SQL, [jobId, 'job.completed']);
      await client.query('commit');
      return result;
    } catch (error) {
      if (isTransientDatabaseError(error)) broken = error as Error;
      else await client.query('rollback').catch((e: Error) => (broken = e));
      throw error;
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }, options);
}
