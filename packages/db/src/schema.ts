import type {
  ChunkStatus,
  JobFailureCode,
  JobType,
  StoredDatasetColumn,
  StoredJobColumn,
  StoredJobOptions,
  StoredJobStatus,
} from '@sluice/contract';
import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';

/**
 * Table types for kysely. Keep in step with migrations/. What the jsonb
 * columns hold is @sluice/contract's, parsed on write and on read.
 */

/**
 * A jsonb column holding a T: written as JSON text, read as `unknown`, so
 * that every read goes through the contract's schema (a row written by
 * another version cannot pass for a T unchecked).
 */
type Json<_T> = ColumnType<unknown, string, string>;

interface JobsTable {
  id: string;
  /** The tenant the job belongs to: only its API keys see it. */
  tenant_id: string;
  type: JobType;
  status: ColumnType<StoredJobStatus, StoredJobStatus | undefined, StoredJobStatus>;
  file_name: string | null;
  /** The header record exactly as uploaded (minus BOM and terminator). */
  header: Buffer;
  columns: Json<StoredJobColumn[]>;
  options: Json<StoredJobOptions>;
  bytes_total: number;
  chunks_total: number;
  rows_total: number;
  rows_accepted: number | null;
  rows_rejected: number | null;
  errors_total: number | null;
  error: string | null;
  created_at: Generated<Date>;
  started_at: Date | null;
  finished_at: Date | null;
  /** Import jobs only: the dataset they upsert into. */
  dataset: ColumnType<string | null, string | null | undefined, string | null>;
  /** Import jobs, once merged: what the merge did with the accepted rows. */
  rows_inserted: ColumnType<number | null, number | null | undefined, number | null>;
  rows_updated: ColumnType<number | null, number | null | undefined, number | null>;
  rows_unchanged: ColumnType<number | null, number | null | undefined, number | null>;
  rows_duplicate: ColumnType<number | null, number | null | undefined, number | null>;
  /** Import jobs: a dry run computes what its merge would do and writes nothing (import-dry-run.ts). */
  dry_run: ColumnType<boolean, boolean | undefined, boolean>;
  /** A completed dry run: what it found (StoredDryRun). */
  dry_run_result: ColumnType<unknown, string | null | undefined, string | null>;
  /** A dry run promoted to the real import: when. */
  promoted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** An import reverted (import-revert.ts): when. */
  reverted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /**
   * How an import's change log reads (migration 0022): null, every write
   * logged (or none: merged before logs); 'updates', only its updates (its
   * inserts are the rows carrying its `_job_id`); 'purged', gone (retention).
   */
  change_log: ColumnType<
    'updates' | 'purged' | null,
    'updates' | 'purged' | null | undefined,
    'updates' | 'purged' | null
  >;
  /** While receiving: when the upload last stored something (abandoned uploads are removed). */
  upload_touched_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** Set by acceptance (queued): when, and its place in the order imports merge in. */
  accepted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  acceptance_seq: ColumnType<number | null, number | null | undefined, number | null>;
  /** How many of its row errors are stored (at most the per-job cap; chunk commits take their share). */
  error_rows_stored: ColumnType<number, number | undefined, number>;
  /** Failed jobs: why, machine-readable. */
  error_code: ColumnType<
    JobFailureCode | null,
    JobFailureCode | null | undefined,
    JobFailureCode | null
  >;
}

interface JobChunksTable {
  job_id: string;
  seq: number;
  /** File record number (header = 1) of the chunk's first record. */
  first_record: number;
  record_count: number;
  data: Buffer;
  status: ColumnType<ChunkStatus, ChunkStatus | undefined, ChunkStatus>;
  output: Buffer | null;
  rows_accepted: number | null;
  rows_rejected: number | null;
  rows_blank: number | null;
  errors_total: number | null;
  /** A done chunk's errors by column and code (null: done before migration 0013, or pending). */
  error_counts: ColumnType<unknown, string | undefined, string>;
  processed_by: string | null;
  processed_at: Date | null;
  /** Bumped by every claim; only the latest attempt may commit (fencing token). */
  attempt: Generated<number>;
  /** `attempt` when the job was last retried: claims since then count towards giving up. */
  attempt_base: Generated<number>;
  claimed_by: ColumnType<string | null, string | null | undefined, string | null>;
  claimed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** A done chunk's plan (chunkPlan) when its processor gave one (migration 0016). */
  plan: ColumnType<string | null, string | null | undefined, string | null>;
  /** A first chunk done early owes its job the error-rate verdict (migration 0017). */
  verdict_pending: Generated<boolean>;
}

interface JobRowErrorsTable {
  job_id: string;
  chunk_seq: number;
  ordinal: number;
  record_number: number;
  column_name: string | null;
  raw_value: string | null;
  code: string;
  message: string;
}

/** Values of a job's `unique` columns, per chunk (migration 0018, unique-values.ts). */
interface JobUniqueValuesTable {
  job_id: string;
  seq: number;
  column_name: string;
  value_hash: Buffer;
  record_number: number;
  raw_value: string;
}

interface DatasetsTable {
  tenant_id: string;
  /** Unique per tenant. */
  name: string;
  /** Its table in sluice_datasets (unique across tenants). */
  table_name: string;
  columns: Json<StoredDatasetColumn[]>;
  key_columns: string[];
  /** Bumped by every merge that writes its table (a dry run's promotion checks it). bigint: read as text. */
  version: ColumnType<string, string | number | undefined, string | number>;
  created_at: Generated<Date>;
}

interface TenantsTable {
  id: string;
  name: string;
  created_at: Generated<Date>;
}

interface ApiKeysTable {
  /** The public part of the key (`slc_<id>_<secret>`). */
  id: string;
  tenant_id: string;
  name: string;
  /** SHA-256 of the secret part: the secret itself is never stored. */
  secret_hash: Buffer;
  scopes: string[];
  created_at: Generated<Date>;
  expires_at: Date | null;
  last_used_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  revoked_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

interface IdempotencyKeysTable {
  tenant_id: string;
  key: string;
  job_id: string;
  fingerprint: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  created_at: Generated<Date>;
}

interface IdempotentRequestsTable {
  tenant_id: string;
  /** SHA-256 of the Idempotency-Key (the key itself is not stored). */
  key_hash: Buffer;
  fingerprint: Buffer;
  state: 'in_progress' | 'done';
  /** Whose claim it is: only its holder may finish or release it. */
  claim_token: string;
  claimed_until: Date;
  response_status: number | null;
  /** JSON object of header name to value; read back through a check (idempotent-requests.ts). */
  response_headers: ColumnType<unknown, string | null, string | null>;
  /** Encrypted with a key derived from the Idempotency-Key (apps/api's idempotent-post). */
  response_body: Buffer | null;
  created_at: Generated<Date>;
}

interface WebhookEndpointsTable {
  id: Generated<string>;
  tenant_id: string;
  url: string;
  description: string;
  /** null: every event type, present and future. */
  event_types: string[] | null;
  /** `whsec_<base64>`, as handed out once: signing needs the secret itself. */
  secret: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  disabled_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

interface WebhookEventsTable {
  /** `msg_<hex>`: the webhook-id header of every attempt. */
  id: string;
  tenant_id: string;
  type: string;
  job_id: string;
  /** The exact JSON sent (and signed) on every attempt. */
  body: string;
  created_at: Generated<Date>;
}

interface WebhookDeliveriesTable {
  id: Generated<string>;
  tenant_id: string;
  event_id: string;
  endpoint_id: string;
  status: ColumnType<
    WebhookDeliveryStatus,
    WebhookDeliveryStatus | undefined,
    WebhookDeliveryStatus
  >;
  round: Generated<number>;
  round_attempts: Generated<number>;
  attempts: Generated<number>;
  last_status_code: ColumnType<number | null, number | null | undefined, number | null>;
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Generated<Date>;
  last_attempt_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  finished_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

interface WebhookDeliveryAttemptsTable {
  delivery_id: string;
  attempt: number;
  round: number;
  started_at: Date;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
}

/** pending until a 2xx answer (delivered) or its last attempt (failed). */
export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface Database {
  webhook_endpoints: WebhookEndpointsTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_delivery_attempts: WebhookDeliveryAttemptsTable;
  api_keys: ApiKeysTable;
  idempotency_keys: IdempotencyKeysTable;
  idempotent_requests: IdempotentRequestsTable;
  tenants: TenantsTable;
  datasets: DatasetsTable;
  jobs: JobsTable;
  job_chunks: JobChunksTable;
  job_row_errors: JobRowErrorsTable;
  job_unique_values: JobUniqueValuesTable;
}

/** The database or an open transaction: queries that do not care which. */
export type Executor = Kysely<Database> | Transaction<Database>;
