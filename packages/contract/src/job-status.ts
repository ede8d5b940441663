/** The two job types: a cleaned CSV out, or rows upserted into a dataset. */
export const JOB_TYPES = ['normalize', 'import'] as const;
export type JobType = (typeof JOB_TYPES)[number];

/**
 * A job's life: queued (stored, on the queue), running (a chunk was picked
 * up), then one final status. Stable: they appear in the API and in
 * PostgreSQL's check constraint (migration 0001).
 */
export const JOB_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Statuses a job can still leave: the ones workers, finalizers and the reconciler act on. */
export const UNFINISHED_JOB_STATUSES = [
  'queued',
  'running',
] as const satisfies readonly JobStatus[];
export type UnfinishedJobStatus = (typeof UNFINISHED_JOB_STATUSES)[number];

/** A final status never changes again (no more work, results may be cached for good). */
export function isFinal(status: JobStatus): boolean {
  return !(UNFINISHED_JOB_STATUSES as readonly JobStatus[]).includes(status);
}

/** A chunk is pending until one attempt's result is committed with its done-marker. */
export const CHUNK_STATUSES = ['pending', 'done'] as const;
export type ChunkStatus = (typeof CHUNK_STATUSES)[number];
