import { type JobStatus, UNFINISHED_JOB_STATUSES } from '@sluice/contract';
import { sql } from 'kysely';
import { getJob, type JobView } from './job-views.ts';
import type { Executor } from './schema.ts';

/**
 * What a client's cancel did: `cancelled` (the job was queued or running),
 * `final` (it had already finished: nothing changed), `missing` (no such
 * accepted job).
 */
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
 */
export async function cancelJob(db: Executor, jobId: string): Promise<CancelOutcome> {
  const cancelled = await db
    .updateTable('jobs')
    .set({ status: 'cancelled', finished_at: sql`clock_timestamp()` })
    .where('id', '=', jobId)
    .where('status', 'in', UNFINISHED_JOB_STATUSES)
    .returning('id')
    .executeTakeFirst();
  const job = await getJob(db, jobId);
  if (!job) return { outcome: 'missing' };
  return cancelled ? { outcome: 'cancelled', job } : { outcome: 'final', status: job.status };
}

/**
 * Deletes an accepted job and everything stored for it (chunks with their
 * input and output, row errors: cascaded). Returns false when there is no
 * such job. A job still running is deleted too: its workers find it gone
 * and drop their chunks. Rows an import merged stay in the dataset (they
 * are the dataset's now, not the job's).
 */
export async function removeJob(db: Executor, jobId: string): Promise<boolean> {
  const row = await db
    .deleteFrom('jobs')
    .where('id', '=', jobId)
    // A receiving job is nobody's yet: only the reconciler removes it.
    .where('status', '!=', 'receiving')
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}
