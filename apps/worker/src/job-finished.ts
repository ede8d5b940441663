import { type Database, jobRunSeconds } from '@sluice/db';
import type { Logger } from '@sluice/lifecycle';
import type { WorkerMetrics } from '@sluice/metrics';
import type { Kysely } from 'kysely';

export interface JobFinishedDeps {
  db: Kysely<Database>;
  metrics: WorkerMetrics;
  logger: Logger;
}

/**
 * A job this worker moved to a final state: counted, and its whole time
 * (submitted to finished, as PostgreSQL recorded both) observed. The time is
 * one small read after the commit; when it fails only the histogram misses
 * the job (logged), never the job.
 */
export async function recordJobFinished(
  deps: JobFinishedDeps,
  jobId: string,
  type: string,
  outcome: 'completed' | 'failed',
): Promise<void> {
  deps.metrics.jobsFinished.inc({ type, outcome });
  try {
    const seconds = await jobRunSeconds(deps.db, jobId);
    if (seconds !== undefined) deps.metrics.jobDuration.observe({ type, outcome }, seconds);
  } catch (err) {
    deps.logger.debug({ err, jobId }, 'job duration not recorded: its times could not be read');
  }
}
