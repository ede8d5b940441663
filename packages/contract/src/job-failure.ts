/**
 * Why a job failed, machine-readable (the API's `errorCode`; `error` says it
 * in words). Stable: clients branch on them. PostgreSQL's check constraint
 * (migration 0005) allows exactly these.
 *
 * - error_rate_exceeded: the first chunk rejected more than MAX_ERROR_RATE
 *   of its rows (the wrong file, or wrong column types): stopped early.
 * - chunk_failed: processing one chunk failed on every attempt.
 * - chunk_crash_loop: one chunk was started too often without finishing
 *   (RECONCILE_MAX_CHUNK_CLAIMS: it keeps killing workers).
 * - import_failed: the merge into the dataset was refused (a value its SQL
 *   column type does not take, a dataset that changed shape).
 * - import_timed_out: the merge was cancelled by its statement timeout on
 *   every try (IMPORT_TIMEOUT_ATTEMPTS); a retry may pass once whatever held
 *   it up (a lock) is gone.
 */
export const JOB_FAILURE_CODES = [
  'error_rate_exceeded',
  'chunk_failed',
  'chunk_crash_loop',
  'import_failed',
  'import_timed_out',
] as const;
export type JobFailureCode = (typeof JOB_FAILURE_CODES)[number];
