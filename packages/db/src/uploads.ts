import type { JobType, StoredJobColumn, StoredJobOptions } from '@sluice/contract';
import type { Transaction } from 'kysely';
import type { Database, Executor } from './schema.ts';
import { storedJson } from './stored-json.ts';

export interface NewJob {
  id: string;
  type: JobType;
  fileName: string | null;
  header: Buffer;
  columns: StoredJobColumn[];
  options: StoredJobOptions;
  /** Import jobs: the dataset to upsert into. */
  dataset?: string | undefined;
}

export interface NewChunk {
  seq: number;
  firstRecord: number;
  recordCount: number;
  data: Buffer;
}

/** Step 1 of an upload's transaction: the job row, totals filled in at the end. */
export async function insertJob(trx: Transaction<Database>, job: NewJob): Promise<void> {
  await trx
    .insertInto('jobs')
    .values({
      id: job.id,
      type: job.type,
      file_name: job.fileName,
      header: job.header,
      columns: storedJson.jobColumns.write(job.columns),
      options: storedJson.jobOptions.write(job.options),
      dataset: job.dataset ?? null,
      bytes_total: 0,
      chunks_total: 0,
      rows_total: 0,
      rows_accepted: null,
      rows_rejected: null,
      errors_total: null,
      error: null,
      started_at: null,
      finished_at: null,
    })
    .execute();
}

export async function insertChunk(
  trx: Transaction<Database>,
  jobId: string,
  chunk: NewChunk,
): Promise<void> {
  await trx
    .insertInto('job_chunks')
    .values({
      job_id: jobId,
      seq: chunk.seq,
      first_record: chunk.firstRecord,
      record_count: chunk.recordCount,
      data: chunk.data,
      output: null,
      rows_accepted: null,
      rows_rejected: null,
      rows_blank: null,
      errors_total: null,
      processed_by: null,
      processed_at: null,
    })
    .execute();
}

/**
 * Last step of an upload's transaction: totals, and the columns as profiled
 * over the whole file (types and date orders are only known at the end); the
 * options too when given (an encoding decided after the first bytes).
 */
export async function finishUpload(
  trx: Transaction<Database>,
  jobId: string,
  totals: {
    bytes: number;
    chunks: number;
    rows: number;
    columns: StoredJobColumn[];
    options?: StoredJobOptions | undefined;
  },
): Promise<void> {
  await trx
    .updateTable('jobs')
    .set({
      bytes_total: totals.bytes,
      chunks_total: totals.chunks,
      rows_total: totals.rows,
      columns: storedJson.jobColumns.write(totals.columns),
      ...(totals.options ? { options: storedJson.jobOptions.write(totals.options) } : {}),
    })
    .where('id', '=', jobId)
    .execute();
}

export async function deleteJob(db: Executor, jobId: string): Promise<void> {
  await db.deleteFrom('jobs').where('id', '=', jobId).execute();
}
