import { HttpProblem } from '../http/problem.ts';

/** A job id in a URL: a UUID, any case (stored lower-case). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** 404 for a job the tenant does not have (another tenant's is the same: not found). */
export function jobNotFound(id: string): HttpProblem {
  return new HttpProblem('job_not_found', `There is no job with id ${JSON.stringify(id)}.`);
}
