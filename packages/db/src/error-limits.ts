import { isFinal, type JobFailureCode, type StoredErrorCounts } from '@sluice/contract';
import type { Transaction } from 'kysely';
import type { Database } from './schema.ts';

/** What a chunk commit may store, and when the first chunk stops its job (worker configuration). */
export interface ErrorLimits {
  /** Row errors stored per job at most (job_row_errors); the counts stay exact. */
  maxStoredPerJob: number;
  /**
   * The first chunk (seq 0) fails its job when more than `maxRate` of its
   * non-blank rows were rejected: the wrong file, or wrong column types,
   * caught before the rest is processed. Judged only when that chunk holds at
   * least `minRows` non-blank rows: a smaller sample says too little, and a
   * file that small is cheap to finish and gets its complete report. (A first
   * chunk of very wide rows may hold fewer: such a file is not judged.)
   * maxRate 1 disables the rule.
   */
  failFast: { minRows: number; maxRate: number };
}

/**
 * Takes up to `wanted` error rows from the job's budget, in the chunk
 * commit's transaction: the job row's lock orders concurrent commits, so the
 * stored count never passes the cap however many chunks commit at once, and
 * a transaction that rolls back (a retried commit) gives its share back with
 * everything else it wrote. A chunk without errors does not touch the job row
 * (chunks of one job would otherwise serialize on it). A final job (failed,
 * cancelled) grants nothing: chunks still in flight when it failed do not
 * grow its report. Returns how many of the chunk's errors it may store.
 */
export async function takeErrorBudget(
  trx: Transaction<Database>,
  jobId: string,
  wanted: number,
  cap: number,
): Promise<number> {
  if (wanted === 0) return 0;
  const job = await trx
    .selectFrom('jobs')
    .select(['error_rows_stored', 'status'])
    .where('id', '=', jobId)
    .forNoKeyUpdate()
    .executeTakeFirst();
  // A job that failed (or was cancelled) keeps the report it ended with.
  if (!job || isFinal(job.status)) return 0;
  const granted = Math.max(0, Math.min(wanted, cap - job.error_rows_stored));
  if (granted > 0) {
    await trx
      .updateTable('jobs')
      .set({ error_rows_stored: job.error_rows_stored + granted })
      .where('id', '=', jobId)
      .execute();
  }
  return granted;
}

interface FirstChunkCounts {
  rowsAccepted: number;
  rowsRejected: number;
  /** Its errors counted by column and code (tallyRowErrors: first-seen order). */
  errorCounts: StoredErrorCounts;
}

const count = (n: number) => n.toLocaleString('en-US');

/** Most frequent error kinds first, as "code in "column" (n)". */
function commonErrors(counts: StoredErrorCounts, top: number): string {
  return [...counts]
    .sort((a, b) => b.errors - a.errors)
    .slice(0, top)
    .map((e) => `${e.column === null ? e.code : `${e.code} in "${e.column}"`} (${count(e.errors)})`)
    .join(', ');
}

/**
 * The first chunk's verdict: a failure for its job when too many of its rows
 * were rejected (see ErrorLimits.failFast), undefined otherwise. The reason
 * is for the person who sent the file: how many rows, what went wrong most,
 * and what to check.
 */
export function judgeFirstChunk(
  chunk: FirstChunkCounts,
  limits: ErrorLimits['failFast'],
): { code: JobFailureCode; reason: string } | undefined {
  const judged = chunk.rowsAccepted + chunk.rowsRejected;
  if (judged === 0 || judged < limits.minRows) return undefined;
  const rate = chunk.rowsRejected / judged;
  if (rate <= limits.maxRate) return undefined;
  const percent = (x: number) => `${Math.round(x * 1000) / 10}%`;
  return {
    code: 'error_rate_exceeded',
    reason:
      `Stopped early: ${count(chunk.rowsRejected)} of the first ${count(judged)} rows ` +
      `(${percent(rate)}) were rejected, more than the ${percent(limits.maxRate)} allowed. ` +
      `Most common errors: ${commonErrors(chunk.errorCounts, 3)}. ` +
      'Check that this is the right file, and that the column types and names ' +
      '(the columns option) fit it. Its errors so far are in errors.csv; no rows were kept or imported.',
  };
}
