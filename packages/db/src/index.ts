export type { DatabaseHandle, DatabaseOptions } from './connection.ts';
export { createDatabase } from './connection.ts';
export type {
  ChunkResult,
  ChunkWork,
  FinalizeOutcome,
  JobView,
  NewChunk,
  NewJob,
  RowError,
} from './jobs.ts';
export {
  commitChunkResult,
  deleteJob,
  finalizeJob,
  finishUpload,
  getJob,
  insertChunk,
  insertJob,
  loadChunkWork,
  markJobFailed,
  markJobRunning,
  readJobErrors,
  readJobOutput,
} from './jobs.ts';
export { LATEST_MIGRATION, migrateToLatest, pendingMigrations } from './migrate.ts';
export type { ChunkStatus, Database, JobColumn, JobStatus, JobType } from './schema.ts';
export type { TransactionOptions } from './transaction.ts';
export { inTransaction, isTransientDatabaseError } from './transaction.ts';
