import { type Database, finalizeJob, inTransaction } from '@sluice/db';
import type { WorkerMetrics } from '@sluice/metrics';
import { finalizeJobPayload } from '@sluice/queue';
import type { Job } from 'bullmq';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';

/**
 * The flow's parent job: BullMQ runs it once every chunk job has completed.
 * Commits the job's final statistics exactly once (row lock + status check).
 */
export function createFinalizer(deps: {
  db: Kysely<Database>;
  metrics: WorkerMetrics;
  logger: Logger;
  statementTimeoutMs: number;
}) {
  return async (job: Job) => {
    const { jobId } = finalizeJobPayload.parse(job.data);
    const outcome = await inTransaction(deps.db, (trx) => finalizeJob(trx, jobId), {
      maxAttempts: 5,
      statementTimeoutMs: deps.statementTimeoutMs,
    });
    if (outcome === 'chunks-pending') {
      // PostgreSQL, not Redis, decides when a job is complete; try again later.
      throw new Error(`job ${jobId} still has unfinished chunks`);
    }
    if (outcome === 'completed') {
      deps.metrics.jobsFinished.inc({ type: 'normalize', outcome: 'completed' });
      deps.logger.info({ jobId }, 'job completed');
    }
    return outcome;
  };
}
