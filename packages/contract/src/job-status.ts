/** The two job types: a cleaned CSV out, or rows upserted into a dataset. */
export const JOB_TYPES = ['normalize', 'import'] as const;
export type JobType = (typeof JOB_TYPES)[number];

/**
 * A job's life as clients see it: queued (accepted: the 202 was sent),
 * running (a chunk was picked up), then one final status. Stable: they
 * appear in the API.
 */
export const JOB_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * Before it is queued, a job is `receiving`: its upload is being stored, in
 * short transactions, and it is nobody's yet (no client has its id). It
 * becomes `queued` in the one statement that accepts it, right before the
 * 202; one that is never accepted (the client went away, the API died) is
 * removed by the reconciler and never runs. Stored only: the API shows no
 * receiving job. PostgreSQL's check constraint (migration 0004) allows these.
 */
export const STORED_JOB_STATUSES = ['receiving', ...JOB_STATUSES] as const;
export type StoredJobStatus = (typeof STORED_JOB_STATUSES)[number];

/** Statuses of accepted jobs that can still change: the ones workers, finalizers and the reconciler act on. */
export const UNFINISHED_JOB_STATUSES = [
  'queued',
  'running',
] as const satisfies readonly JobStatus[];
export type UnfinishedJobStatus = (typeof UNFINISHED_JOB_STATUSES)[number];

/**
 * A final status never changes again (no more work, results may be cached
 * for good). `receiving` is not final: the upload is still arriving.
 */
export function isFinal(status: StoredJobStatus): boolean {
  return status !== 'receiving' && !(UNFINISHED_JOB_STATUSES as readonly string[]).includes(status);
}

/** A chunk is pending until one attempt's result is committed with its done-marker. */
export const CHUNK_STATUSES = ['pending', 'done'] as const;
export type ChunkStatus = (typeof CHUNK_STATUSES)[number];
