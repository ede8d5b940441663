import { type JobStatus, UNFINISHED_JOB_STATUSES } from '@sluice/contract';
import { sql, type Transaction } from 'kysely';
import { keepOverwrittenInserts } from './import-changes.ts';
import { createImportStage, dropImportStage } from './import-stage.ts';
import { getJob, type JobView } from './job-views.ts';
import type { Database, Executor } from './schema.ts';
import { recordJobEvent, withinTransaction } from './webhook-outbox.ts';

/**
 * What a client's cancel did: `cancelled` (the job was queued or running),
 * `final` (it had already finished: nothing changed), `missing` (no such
 * accepted job).
 */
export type RetryOutcome =
  | { outcome: 'retried'; job: JobView; pendingSeqs: number[] }
  | { outcome: 'not-retryable'; status: JobStatus }
  | { outcome: 'missing' };

export type CancelOutcome =
  | { outcome: 'cancelled'; job: JobView }
  | { outcome: 'final'; status: JobStatus }
  | { outcome: 'missing' };

/**
 * Cancels a queued or running job. Cancelled is final: workers skip the
 * job's remaining chunks (they check the job's status before claiming one)
 * and an import's merge, which locks the job row and checks its status,
 * merges nothing. A merge already under way holds that lock: the cancel
 * waits for it, then finds the job completed (`final`), so a cancel that
 * answers `cancelled` is one after which nothing of the import is merged.
 * Chunks committed before the cancel stay (a retry can build on them).
 * Records the job.cancelled webhook event in the same transaction, and
 * drops an import's stage (a retry makes a new one).
 */
export async function cancelJob(
  db: Executor,
  tenantId: string,
  jobId: string,
): Promise<CancelOutcome> {
  return withinTransaction(db, async (trx) => {
    const cancelled = await trx
      .updateTable('jobs')
      .set({ status: 'cancelled', finished_at: sql`clock_timestamp()` })
      .where('id', '=', jobId)
      .where('tenant_id', '=', tenantId)
      .where('status', 'in', UNFINISHED_JOB_STATUSES)
      .returning(['id', 'type'])
      .executeTakeFirst();
    if (cancelled) await recordJobEvent(trx, jobId, 'job.cancelled');
    if (cancelled?.type === 'import') await dropImportStage(trx, jobId);
    const job = await getJob(trx, tenantId, jobId);
    if (!job) return { outcome: 'missing' };
    return cancelled ? { outcome: 'cancelled', job } : { outcome: 'final', status: job.status };
  });
}

/**
 * Deletes an accepted job and everything stored for it (chunks with their
 * input and output, row errors: cascaded). Returns false when there is no
 * such job. A job still running is deleted too: its workers find it gone
 * and drop their chunks. Rows an import merged stay in the dataset (they
 * are the dataset's now, not the job's); an unfinished import's stage goes.
 */
export async function removeJob(db: Executor, tenantId: string, jobId: string): Promise<boolean> {
  return withinTransaction(db, async (trx) => {
    const row = await trx
      .deleteFrom('jobs')
      .where('id', '=', jobId)
      .where('tenant_id', '=', tenantId)
      // A receiving job is nobody's yet: only the reconciler removes it.
      .where('status', '!=', 'receiving')
      .returning(['id', 'type'])
      .executeTakeFirst();
    if (row?.type === 'import') {
      await dropImportStage(trx, jobId);
      // Its change log (no foreign key: see migration 0021): it can no longer be reverted.
      // The earlier inserts it overwrote stay in their own jobs' history.
      await keepOverwrittenInserts(trx, jobId);
      await sql`delete from import_changes where job_id = ${jobId}`.execute(trx);
    }
    return row !== undefined;
  });
}

/** Statuses a retry starts from. */
const RETRYABLE: readonly JobStatus[] = ['failed', 'cancelled'];

/**
 * Puts a failed or cancelled job back in the queue, in one transaction:
 * status queued, its failure cleared, accepted again now (a retried import
 * merges after every import accepted before the retry: it is the newest
 * intent), and the claims of its pending chunks counted from zero again.
 * Chunks already done stay done. Returns the chunks still to run, for the
 * caller to enqueue.
 */
export async function retryJob(
  trx: Transaction<Database>,
  tenantId: string,
  jobId: string,
): Promise<RetryOutcome> {
  const job = await trx
    .selectFrom('jobs')
    .select(['status', 'type'])
    .where('id', '=', jobId)
    .where('tenant_id', '=', tenantId)
    .where('status', '!=', 'receiving')
    .forUpdate()
    .executeTakeFirst();
  if (!job) return { outcome: 'missing' };
  const status = job.status as JobStatus;
  if (!RETRYABLE.includes(status)) return { outcome: 'not-retryable', status };
  await trx
    .updateTable('jobs')
    .set({
      status: 'queued',
      error: null,
      error_code: null,
      started_at: null,
      finished_at: null,
      accepted_at: sql<Date>`clock_timestamp()`,
      acceptance_seq: sql<number>`nextval('job_acceptance_seq')`,
    })
    .where('id', '=', jobId)
    .execute();
  // Its failure or cancel dropped the stage: a new one for the chunks to come
  // (the merge stages the chunks done before from their outputs).
  if (job.type === 'import') await createImportStage(trx, jobId);
  const pending = await trx
    .updateTable('job_chunks')
    .set((eb) => ({ attempt_base: eb.ref('attempt') }))
    .where('job_id', '=', jobId)
    .where('status', '=', 'pending')
    .returning('seq')
    .execute();
  const view = await getJob(trx, tenantId, jobId);
  if (!view) throw new Error(`job ${jobId} vanished inside its own transaction`);
  return {
    outcome: 'retried',
    job: view,
    pendingSeqs: pending.map((c) => c.seq).sort((a, b) => a - b),
  };
}
