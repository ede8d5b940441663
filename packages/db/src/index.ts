/**
 * @sluice/db: PostgreSQL through one pg pool and kysely. Every write of a
 * job's effect is a transaction (inTransaction retries transient failures);
 * what the jsonb columns hold is @sluice/contract's, parsed on write and read.
 *
 * Modules by concern: api-keys (tenants and their hashed keys), uploads (the
 * API's writes), job-control (a client's cancel, retry and delete), chunks (a
 * worker's claim and fenced commit), error-limits (a job's error-row budget
 * and the first chunk's error-rate verdict), job-completion (finalize, fail),
 * job-views (reads for the API), job-errors (a job's row errors as JSON: a
 * filtered page, exact counts by column and code), reconcile (the reconciler's queries),
 * retention (purging expired jobs and webhook events), datasets and import-merge,
 * postgres-errors (the one table of PostgreSQL failure classes), webhook-endpoints,
 * webhook-outbox (a job's final transition recorded as webhook deliveries in
 * its own transaction) and webhook-deliveries (the delivery log, attempts).
 */
export type {
  ApiKeyCheck,
  ApiKeyRejection,
  ApiKeyView,
  ApiPrincipal,
  NewApiKey,
  Tenant,
} from './api-keys.ts';
export {
  authenticateApiKey,
  ensureTenant,
  findTenant,
  isApiKeyShaped,
  issueApiKey,
  listApiKeys,
  revokeApiKey,
} from './api-keys.ts';
export { chunkPlan, resetChunksOffPlan } from './chunk-plans.ts';
export type { ChunkCommitOutcome, ChunkResult, ChunkWork } from './chunks.ts';
export {
  claimChunk,
  commitChunkResult,
  judgeDoneFirstChunk,
  loadChunkWork,
  loadJobPlan,
  markJobRunning,
} from './chunks.ts';
export type { DatabaseHandle, DatabaseOptions } from './connection.ts';
export { createDatabase } from './connection.ts';
export { exportDatasetCsv } from './dataset-export.ts';
export type { DatasetRow, DatasetView, NewDataset, Page } from './datasets.ts';
export {
  countDatasetRows,
  createDataset,
  DATASET_SCHEMA,
  type DatasetDeletion,
  deleteDataset,
  getDataset,
  IDENTIFIER_PATTERN,
  isValidIdentifier,
  listDatasets,
  MAX_KEY_COLUMNS,
  readDatasetRows,
  SYSTEM_COLUMN_NAMES,
} from './datasets.ts';
export type { DryRunRefusal, PromoteOutcome } from './dry-run-actions.ts';
export { openDryRunDiff, promoteDryRun } from './dry-run-actions.ts';
export type { ErrorLimits } from './error-limits.ts';
export {
  claimIdempotencyKey,
  findIdempotentRequest,
  type IdempotentRequest,
  recordIdempotencyFingerprint,
} from './idempotency.ts';
export {
  claimIdempotentRequest,
  finishIdempotentRequest,
  type IdempotentClaim,
  isIdempotencyKeyHeld,
  purgeExpiredIdempotentRequests,
  releaseIdempotentRequest,
  type StoredResponse,
} from './idempotent-requests.ts';
export { DIFF_COLUMNS } from './import-dry-run.ts';
export type { ImportFinalizeOutcome, ImportMergeOptions, ImportStats } from './import-merge.ts';
export { finalizeImportJob } from './import-merge.ts';
export { type LaterWrite, type RevertOutcome, revertImport } from './import-revert.ts';
export type { StagedRows } from './import-stage.ts';
export { dropLeftoverImportStages } from './import-stage.ts';
export type { FinalizeOutcome } from './job-completion.ts';
export { finalizeJob, markJobFailed } from './job-completion.ts';
export {
  type CancelOutcome,
  cancelJob,
  type RetryOutcome,
  removeJob,
  retryJob,
} from './job-control.ts';
export {
  countJobErrors,
  type JobErrorCounts,
  type JobErrorFilter,
  listJobErrors,
} from './job-errors.ts';
export type { JobFilter, JobSummary, JobView } from './job-views.ts';
export {
  getJob,
  getJobType,
  jobRunSeconds,
  listJobs,
  readJobErrors,
  readJobOutput,
} from './job-views.ts';
export { LATEST_MIGRATION, migrateToLatest, pendingMigrations } from './migrate.ts';
export { DEFAULT_TENANT_ID } from './migrations/0009_tenancy.ts';
export {
  isPostgresUnavailableError,
  isTransientDatabaseError,
  type PostgresErrorClass,
  postgresErrorClass,
} from './postgres-errors.ts';
export type { DatabaseObserver, QueryOperation } from './query-observer.ts';
export { statementKind, withQueryOperation } from './query-observer.ts';
export type { UnfinishedJob } from './reconcile.ts';
export {
  findUnfinishedJobs,
  isChunkPending,
  removeAbandonedUploads,
  tryReconcilerLock,
} from './reconcile.ts';
export {
  type PurgeCounts,
  purgeExpiredJobs,
  purgeExpiredRowHistory,
  purgeExpiredWebhookEvents,
} from './retention.ts';
export { type RowHistoryEntry, readRowHistory } from './row-history.ts';
export type { Database, WebhookDeliveryStatus } from './schema.ts';
export type { CopyIn, RetryOptions, TransactionOptions } from './transaction.ts';
export { inClientTransaction, inTransaction, retryTransient } from './transaction.ts';
export type { ChunkUniqueValues } from './unique-values.ts';
export type { NewChunk, NewJob, UploadTotals, WholeUpload } from './uploads.ts';
export {
  acceptJob,
  acceptJobs,
  acceptNonImportJobs,
  deleteJob,
  finishEarlyUpload,
  finishUpload,
  insertChunk,
  insertJob,
  insertWholeUpload,
  insertWholeUploads,
  setReceivingPlan,
} from './uploads.ts';
export {
  abandonDelivery,
  type DeliveryAttemptRecord,
  getWebhookDelivery,
  listWebhookDeliveries,
  loadDeliveryWork,
  recordDeliveryAttempt,
  redeliverWebhook,
  type WebhookAttemptView,
  type WebhookDeliveryView,
  type WebhookDeliveryWork,
} from './webhook-deliveries.ts';
export {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookEndpoints,
  replaceWebhookSecret,
  updateWebhookEndpoint,
  type WebhookEndpointChange,
  type WebhookEndpointView,
} from './webhook-endpoints.ts';
export {
  findIdleDeliveries,
  pendingDeliveriesOfJob,
  type WebhookDeliveryRef,
} from './webhook-outbox.ts';
