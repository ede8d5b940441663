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
 * Puts back to pending every chunk of a job that is not done with `plan`
 * (the job's final plan, in the transaction that writes it: finishUpload):
 * done chunks processed with another plan lose their output, counts, stored
 * row errors (their share of the error-row budget is given back) and, for
 * an import, their staged rows; every such chunk that was ever claimed,
 * pending ones included, gets a new attempt number and no claimant, so an
 * attempt still running with an earlier plan can no longer commit (the
 * fenced commit's own check); every chunk off the plan is locked, so a claim racing this
 * transaction waits for it and then reads the final plan. A commit racing this statement is waited for and its result
 * reset too (PostgreSQL re-checks the updated row). The claims counted
 * towards giving up a chunk stay as they were. Row locks are taken first,
 * then the job row's, then the stage lock: the order of a chunk commit.
 * Returns the seqs of the done chunks that were reset.
 */
export async function resetChunksOffPlan(
  trx: Transaction<Database>,
  jobId: string,
  plan: string,
): Promise<number[]> {
  // Every chunk off the plan is locked (a claim racing this waits for it);
  // only those done or ever claimed are changed: one never claimed keeps
  // its attempt, so its first claim is still attempt 1.
  const { rows } = await sql<{ seq: number; was_done: boolean }>`
    with before as (
      select seq, status = 'done' as was_done, status = 'done' or claimed_by is not null as touched
      from job_chunks
      where job_id = ${jobId} and plan is distinct from ${plan}
      for no key update
    )
    update job_chunks c
       set status = 'pending', output = null, rows_accepted = null, rows_rejected = null,
           rows_blank = null, errors_total = null, error_counts = null, processed_by = null,
           processed_at = null, plan = null, claimed_by = null, claimed_at = null,
           attempt = c.attempt + 1, attempt_base = c.attempt_base + 1
      from before b
     where c.job_id = ${jobId} and c.seq = b.seq and b.touched
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
  await unstageChunks(trx, jobId, reset);
  return reset;
}
