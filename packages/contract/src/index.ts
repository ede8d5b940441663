/**
 * @sluice/contract: what Sluice stores and hands between processes, defined
 * once: API key scopes, webhook event types, job types, statuses and failure codes, the options and columns stored with a job
 * and a dataset (zod schemas, parsed by @sluice/db on write and on read), and
 * the per-row error. Pure: imports only the pure packages whose facts it
 * names (column types from normalize, encodings and delimiters from csv).
 */

export * from './api/index.ts';
export { API_SCOPES, type ApiScope, isApiScope } from './api-scopes.ts';
export { columnRulesSchema, MAX_COMPARE_RULES, MAX_ENUM_VALUES } from './column-rules.ts';
export { type StoredDryRun, storedDryRunSchema } from './dry-run.ts';
export { type StoredErrorCounts, storedErrorCountsSchema } from './error-counts.ts';
export { JOB_FAILURE_CODES, type JobFailureCode } from './job-failure.ts';
export {
  CHUNK_STATUSES,
  type ChunkStatus,
  isFinal,
  JOB_STATUSES,
  JOB_TYPES,
  type JobStatus,
  type JobType,
  STORED_JOB_STATUSES,
  type StoredJobStatus,
  UNFINISHED_JOB_STATUSES,
  type UnfinishedJobStatus,
} from './job-status.ts';
export type { RowError } from './row-error.ts';
export {
  columnTypeSchema,
  type Dialect,
  dateOrderSchema,
  dialectSchema,
  MAX_KEY_BYTES,
  type NormalizationOptions,
  normalizationOptionsSchema,
  outputColumns,
  partOutputName,
  type StoredDatasetColumn,
  type StoredJobColumn,
  type StoredJobOptions,
  sqlTypeOf,
  storedDatasetColumnSchema,
  storedDatasetColumnsSchema,
  storedJobColumnSchema,
  storedJobColumnsSchema,
  storedJobOptionsSchema,
  writtenColumn,
} from './stored-job.ts';
export { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhook-events.ts';
