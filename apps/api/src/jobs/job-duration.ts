import type { JobView } from '@sluice/db';
import type { ApiMetrics } from '@sluice/metrics';

/**
 * A job a client's cancel finished: its whole time (submitted to cancelled,
 * both PostgreSQL's clock, as the cancel's answer shows them) observed in
 * sluice_job_duration_seconds with outcome `cancelled`. Called once per
 * cancel that moved the job to cancelled (an Idempotency-Key replay or a
 * 409 job_already_final never gets here); workers observe the jobs they
 * complete or fail.
 */
export function observeCancelledJob(
  metrics: Pick<ApiMetrics, 'jobDuration'>,
  job: Pick<JobView, 'type' | 'createdAt' | 'finishedAt'>,
): void {
  if (!job.finishedAt) return;
  const seconds = Math.max(0, (job.finishedAt.getTime() - job.createdAt.getTime()) / 1000);
  metrics.jobDuration.observe({ type: job.type, outcome: 'cancelled' }, seconds);
}
