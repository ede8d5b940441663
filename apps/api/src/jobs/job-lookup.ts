import type { JobView } from '@sluice/db';
import { HttpProblem } from '../http/problem.ts';

/** A job id in a URL: a UUID, any case (stored lower-case). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** 404 for a job the tenant does not have (another tenant's is the same: not found). */
export function jobNotFound(id: string): HttpProblem {
  return new HttpProblem('job_not_found', `There is no job with id ${JSON.stringify(id)}.`);
}

/**
 * Downloads wait for the job to complete. The error report of a job stopped
 * for its error rate is there too: it is what explains the failure. The
 * errors as JSON (job-error-routes.ts) follow errors.csv: the same report.
 */
export function requireCompleted(job: JobView, download: 'result' | 'errors'): void {
  if (job.status === 'completed') return;
  if (download === 'errors' && job.errorCode === 'error_rate_exceeded') return;
  throw new HttpProblem(
    'job_not_completed',
    `The job is ${job.status}; its files and errors are available once it has completed.`,
    {
      extra: { jobStatus: job.status },
    },
  );
}
