export type { DatabaseHandle, DatabaseOptions } from './connection.ts';
export { createDatabase } from './connection.ts';
export type {
  ChunkCommitOutcome,
  ChunkResult,
  ChunkWork,
  FinalizeOutcome,
  JobView,
  NewChunk,
  NewJob,
  RowError,
  UnfinishedJob,
} from './jobs.ts';
export {
  claimChunk,
  commitChunkResult,
  deleteJob,
  finalizeJob,
  findUnfinishedJobs,
  finishUpload,
  getJob,
  insertChunk,
  insertJob,
  loadChunkWork,
  markJobFailed,
  markJobRunning,
  readJobErrors,
  readJobOutput,
  tryReconcilerLock,
} from './jobs.ts';
export { LATEST_MIGRATION, migrateToLatest, pendingMigrations } from './migrate.ts';
export type { ChunkStatus, Database, JobColumn, JobStatus, JobType } from './schema.ts';
export type { TransactionOptions } from './transaction.ts';
export { inTransaction, isTransientDatabaseError } from './transaction.ts';
