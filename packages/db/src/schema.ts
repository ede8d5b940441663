import type { ColumnType, Generated } from 'kysely';

/** Table types for kysely. Keep in step with migrations/. */

export type JobType = 'normalize' | 'import';
export type JobStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export type ChunkStatus = 'pending' | 'done';

/** A column of a job's input as the job will treat it (stored as jsonb). */
export interface JobColumn {
  name: string;
  type: string;
  required: boolean;
  /** Output header when the request renamed the column. */
  outputName?: string;
  /** How the type was decided (request, header, values, default) and how sure. */
  source?: string;
  confidence?: number;
  dateOrder?: string;
  dateOrderSource?: string;
  note?: string;
  /** Import jobs: the dataset column this file column fills (absent: not imported). */
  target?: string;
}

type Json<T> = ColumnType<T, string, string>;

interface JobsTable {
  id: string;
  type: JobType;
  status: ColumnType<JobStatus, JobStatus | undefined, JobStatus>;
  file_name: string | null;
  /** The header record exactly as uploaded (minus BOM and terminator). */
  header: Buffer;
  columns: Json<JobColumn[]>;
  options: Json<Record<string, unknown>>;
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
  processed_by: string | null;
  processed_at: Date | null;
  /** Bumped by every claim; only the latest attempt may commit (fencing token). */
  attempt: Generated<number>;
  claimed_by: ColumnType<string | null, string | null | undefined, string | null>;
  claimed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
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

/** A dataset column as declared (stored as jsonb). */
export interface DatasetColumn {
  name: string;
  type: string;
  required: boolean;
}

interface DatasetsTable {
  name: string;
  columns: Json<DatasetColumn[]>;
  key_columns: string[];
  created_at: Generated<Date>;
}

export interface Database {
  datasets: DatasetsTable;
  jobs: JobsTable;
  job_chunks: JobChunksTable;
  job_row_errors: JobRowErrorsTable;
}
