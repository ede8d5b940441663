import {
  isFinal,
  type JobFailureCode,
  type JobType,
  UNFINISHED_JOB_STATUSES,
} from '@sluice/contract';
import { sql, type Transaction } from 'kysely';
import { dropImportStage } from './import-stage.ts';
import type { Database, Executor } from './schema.ts';
import { storableText } from './storable-text.ts';
import { reportDuplicatesInFile, runIn } from './unique-values.ts';
import { recordJobEvent, withinTransaction } from './webhook-outbox.ts';

/**
 * not-accepted: the job is still receiving (its upload was enqueued but not
 * yet accepted, or never will be): nothing may finish it.
 */
export type FinalizeOutcome =
  | 'completed'
  | 'already-final'
  | 'chunks-pending'
  | 'not-accepted'
  | 'missing';

/**
 * Commits a job's final statistics once every chunk is done, with the
 * duplicates of its `unique` columns (reportDuplicatesInFile; `limits`: the
 * job's error-row budget). Locks the job row so two finalizers cannot both
 * complete it. Records the job.completed
 * webhook event in the same transaction.
 */
export async function finalizeJob(
  trx: Transaction<Database>,
  jobId: string,
  limits: { maxStoredPerJob: number } = { maxStoredPerJob: Number.MAX_SAFE_INTEGER },
): Promise<FinalizeOutcome> {
  const job = await trx
    .selectFrom('jobs')
    .select(['status', 'chunks_total'])
    .where('id', '=', jobId)
    .forUpdate()
    .executeTakeFirst();
  if (!job) return 'missing';
  if (isFinal(job.status)) return 'already-final';
  if (job.status === 'receiving') return 'not-accepted';
  const done = await trx
    .selectFrom('job_chunks')
    .where('job_id', '=', jobId)
    .where('status', '=', 'done')
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow();
  if (done.n < job.chunks_total) return 'chunks-pending';
  // Every chunk is in: duplicates of `unique` columns across the whole file.
  await reportDuplicatesInFile(runIn(trx), jobId, limits.maxStoredPerJob);
  const totals = await trx
    .selectFrom('job_chunks')
    .where('job_id', '=', jobId)
    .select([
      sql<number>`count(*) filter (where status = 'done')::int`.as('done'),
      sql<number>`coalesce(sum(rows_accepted), 0)::int`.as('accepted'),
      sql<number>`coalesce(sum(rows_rejected), 0)::int`.as('rejected'),
      sql<number>`coalesce(sum(errors_total), 0)::int`.as('errors'),
    ])
    .executeTakeFirstOrThrow();
  if (totals.done < job.chunks_total) return 'chunks-pending';
  await trx
    .updateTable('jobs')
    .set({
      status: 'completed',
      rows_accepted: totals.accepted,
      rows_rejected: totals.rejected,
      errors_total: totals.errors,
      started_at: sql`coalesce(started_at, now())`,
      // now() is the transaction's start; the job finishes at its commit.
      finished_at: sql`clock_timestamp()`,
    })
    .where('id', '=', jobId)
    .execute();
  await recordJobEvent(trx, jobId, 'job.completed');
  return 'completed';
}

/**
 * Fails an unfinished job with a code (for programs) and a reason (for its
 * owner). Returns the job's type when this call failed it, undefined when it
 * was final already (or gone). Records the job.failed webhook event in the
 * same transaction (the executor's, or its own), and drops an import's stage.
 */
export async function markJobFailed(
  db: Executor,
  jobId: string,
  failure: { code: JobFailureCode; reason: string },
): Promise<JobType | undefined> {
  return withinTransaction(db, async (trx) => {
    const row = await trx
      .updateTable('jobs')
      .set({
        status: 'failed',
        error: storableText(failure.reason),
        error_code: failure.code,
        finished_at: sql`clock_timestamp()`,
      })
      .where('id', '=', jobId)
      .where('status', 'in', UNFINISHED_JOB_STATUSES)
      .returning('type')
      .executeTakeFirst();
    if (row) await recordJobEvent(trx, jobId, 'job.failed');
    if (row?.type === 'import') await dropImportStage(trx, jobId);
    return row?.type;
  });
}
