import { createHash } from 'node:crypto';
import {
  type StoredJobColumn,
  type StoredJobOptions,
  storedJobColumnsSchema,
  storedJobOptionsSchema,
} from '@sluice/contract';
import { sql, type Transaction } from 'kysely';
import { unstageChunks } from './import-stage.ts';
import type { Database } from './schema.ts';

/** Column fields that only report how a decision was made; a chunk's result never reads them. */
const REPORT_ONLY = ['source', 'confidence', 'dateOrderSource', 'note'] as const;

/**
 * What a chunk's normalization depends on, as one comparable string: the
 * job's columns (types, date orders, names, drops, targets) without what
 * only explains them (a note counting date evidence changes with every
 * chunk profiled, the result does not), and the options without how the
 * file was read (chunks are stored as UTF-8: only the delimiter matters).
 * A field not listed as report-only counts: a new one errs on the side of
 * processing a chunk again. Keys in the contract's order, whatever the
 * writer's (jsonb stores them in its own).
 */
export function chunkPlan(columns: readonly StoredJobColumn[], options: StoredJobOptions): string {
  // Through the contract: the same keys in the same order whether the
  // columns come from the profiler or back from jsonb (which reorders keys).
  const { dialect, ...normalizing } = storedJobOptionsSchema.parse(options);
  const used = storedJobColumnsSchema.parse(columns).map((column) => {
    const copy: Record<string, unknown> = { ...column };
    for (const field of REPORT_ONLY) delete copy[field];
    return copy;
  });
  return createHash('sha256')
    .update(JSON.stringify({ columns: used, options: normalizing, delimiter: dialect.delimiter }))
    .digest('base64url');
}

/**
 * Makes `plan` (the job's final plan, in the transaction that writes it:
 * finishEarlyUpload) the one every chunk not done with it must be processed
 * with: recorded on each such chunk's row, where the fenced commit checks
 * it (an attempt still running with an earlier plan cannot commit; one that
 * read this plan, e.g. started after the last change of the plan so far,
 * goes on and commits). Done chunks processed with another plan go back to
 * pending: they lose their output, counts, stored row errors (their share
 * of the error-row budget is given back), their values of `unique` columns
 * and, for an import, their staged rows, and get a new attempt number. Every chunk off the plan is locked
 * until the transaction ends, so a claim or commit racing this waits for it
 * and then sees the plan (PostgreSQL re-checks the updated row). Row locks
 * first, then the job row's, then the stage lock: a chunk commit's order.
 * Returns the seqs of the done chunks that were reset.
 */
export async function resetChunksOffPlan(
  trx: Transaction<Database>,
  jobId: string,
  plan: string,
): Promise<number[]> {
  const { rows } = await sql<{ seq: number; was_done: boolean }>`
    with before as (
      select seq, status = 'done' as was_done from job_chunks
      where job_id = ${jobId} and plan is distinct from ${plan}
      for no key update
    )
    update job_chunks c
       set status = 'pending', output = null, rows_accepted = null, rows_rejected = null,
           rows_blank = null, errors_total = null, error_counts = null, processed_by = null,
           processed_at = null, plan = ${plan}, verdict_pending = false,
           claimed_by = case when b.was_done then null else c.claimed_by end,
           claimed_at = case when b.was_done then null else c.claimed_at end,
           attempt = c.attempt + b.was_done::int,
           attempt_base = c.attempt_base + b.was_done::int
      from before b
     where c.job_id = ${jobId} and c.seq = b.seq
    returning c.seq, b.was_done`.execute(trx);
  const reset = rows
    .filter((r) => r.was_done)
    .map((r) => r.seq)
    .sort((a, b) => a - b);
  if (reset.length === 0) return [];
  const deleted = await trx
    .deleteFrom('job_row_errors')
    .where('job_id', '=', jobId)
    .where('chunk_seq', 'in', reset)
    .executeTakeFirst();
  const given = Number(deleted.numDeletedRows);
  if (given > 0) {
    await trx
      .updateTable('jobs')
      .set((eb) => ({ error_rows_stored: eb('error_rows_stored', '-', given) }))
      .where('id', '=', jobId)
      .execute();
  }
  // Their values of `unique` columns too: the plan they are redone with decides them.
  await trx
    .deleteFrom('job_unique_values')
    .where('job_id', '=', jobId)
    .where('seq', 'in', reset)
    .execute();
  await unstageChunks(trx, jobId, reset);
  return reset;
}
