import { z } from 'zod';
import { JOB_STATUSES } from '../job-status.ts';
import { jobSchema } from './jobs.ts';

/**
 * The data of a `progress` event of GET /v1/jobs/{id}/events: the job's
 * status, progress and counts (no columns or options, which do not change).
 * The final event (named after the final status: completed, failed or
 * cancelled) carries the whole job instead, as GET /v1/jobs/{id} answers it.
 */
export const jobProgressEventSchema = z
  .object({
    status: z.enum(JOB_STATUSES),
    ...jobSchema.shape.progress.shape,
    counts: jobSchema.shape.counts,
  })
  .meta({ id: 'JobProgressEvent', description: 'The data of a `progress` event.' });
export type JobProgressEventBody = z.infer<typeof jobProgressEventSchema>;
