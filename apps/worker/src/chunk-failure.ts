import { type Database, markJobFailed } from '@sluice/db';
import type { Logger } from '@sluice/lifecycle';
import type { WorkerMetrics } from '@sluice/metrics';
import type { AttemptFailureOf } from '@sluice/queue';
import type { Kysely } from 'kysely';
import { recordJobFinished } from './job-finished.ts';

/**
 * A chunk that exhausted its attempts fails its whole job: no partial
 * results. Earlier attempts are only logged (BullMQ retries them with
 * backoff). A job final already (completed, failed elsewhere) stays as it is.
 * Early chunk jobs (processed while the upload arrived) fail nothing.
 */
export function createChunkFailureHandler(deps: {
  db: Kysely<Database>;
  metrics: WorkerMetrics;
  logger: Logger;
}) {
  return async (failure: AttemptFailureOf<'normalize-chunk'>, error: Error): Promise<void> => {
    deps.logger.warn(
      {
        err: error,
        bullJobId: failure.bullJobId,
        attempt: failure.attemptsMade,
        attempts: failure.attempts,
      },
      'chunk attempt failed',
    );
    if (!failure.final || failure.payload === undefined) return;
    // An early job's chunk is processed again by its job's flow (if the
    // upload is ever accepted): that one's failures are the job's.
    if (failure.payload.early) return;
    const { jobId, seq } = failure.payload;
    try {
      const type = await markJobFailed(deps.db, jobId, {
        code: 'chunk_failed',
        reason: `chunk ${seq} failed after ${failure.attempts} attempts: ${error.message}`,
      });
      if (type) await recordJobFinished(deps, jobId, type, 'failed');
    } catch (err) {
      deps.logger.error({ err, jobId }, 'could not mark job failed');
    }
  };
}
