export type { DatabaseHandle, DatabaseOptions } from './connection.ts';
export { createDatabase } from './connection.ts';
export type { DatasetRow, DatasetView, NewDataset, Page } from './datasets.ts';
export {
  countDatasetRows,
  createDataset,
  DATASET_SCHEMA,
  DATASET_SQL_TYPES,
  getDataset,
  IDENTIFIER_PATTERN,
  isValidIdentifier,
  listDatasets,
  readDatasetRows,
} from './datasets.ts';
export type { ImportFinalizeOutcome, ImportMergeOptions, ImportStats } from './import-merge.ts';
export { finalizeImportJob } from './import-merge.ts';
export type {
  ChunkCommitOutcome,
  ChunkResult,
  ChunkWork,
  FinalizeOutcome,
  JobFilter,
  JobSummary,
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
  getJobType,
  insertChunk,
  insertJob,
  isChunkPending,
  listJobs,
  loadChunkWork,
  markJobFailed,
  markJobRunning,
  readJobErrors,
  readJobOutput,
  tryReconcilerLock,
} from './jobs.ts';
export { LATEST_MIGRATION, migrateToLatest, pendingMigrations } from './migrate.ts';
export type {
  ChunkStatus,
  Database,
  DatasetColumn,
  JobColumn,
  JobStatus,
  JobType,
} from './schema.ts';
export type { RetryOptions, TransactionOptions } from './transaction.ts';
export { inTransaction, isTransientDatabaseError, retryTransient } from './transaction.ts';
