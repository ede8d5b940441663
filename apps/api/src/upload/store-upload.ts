import { randomUUID } from 'node:crypto';
import { CsvInputError, splitRecords } from '@sluice/csv';
import {
  type Database,
  insertChunk,
  insertJob,
  inTransaction,
  type JobType,
  setUploadTotals,
} from '@sluice/db';
import type { Kysely } from 'kysely';
import { HttpProblem } from '../problem.ts';
import { describeColumns } from './header.ts';
import type { CsvUpload } from './request-body.ts';

export interface StoreLimits {
  chunkBytes: number;
  maxRecordBytes: number;
  maxColumns: number;
}

export interface StoredUpload {
  jobId: string;
  chunks: number;
  rows: number;
  bytes: number;
}

const emptyFile = () =>
  new HttpProblem(400, 'empty_file', 'Empty file', 'The uploaded file is empty.');

function inputProblem(error: CsvInputError): HttpProblem {
  if (error.code === 'empty_file') return emptyFile();
  return new HttpProblem(
    400,
    'record_too_large',
    'Record too large',
    `Record ${error.recordNumber} is larger than the per-record limit; often an opening quote is never closed.`,
    {
      extra: { record: error.recordNumber },
    },
  );
}

/**
 * Streams an upload into PostgreSQL: the job row and every chunk in ONE
 * transaction, so either the whole file is durably stored or nothing is.
 * Each chunk is inserted before the next is read (backpressure), so memory
 * stays near one chunk whatever the file size.
 */
export async function storeUpload(
  db: Kysely<Database>,
  upload: CsvUpload,
  job: { type: JobType; options: Record<string, unknown> },
  limits: StoreLimits,
): Promise<StoredUpload> {
  const jobId = randomUUID();
  try {
    return await inTransaction(db, async (trx) => {
      let chunks = 0;
      let rows = 0;
      let bytes = 0;
      let headerSeen = false;
      for await (const event of splitRecords(upload.bytes, limits)) {
        if (event.kind === 'header') {
          const columns = describeColumns(event.bytes, limits.maxColumns);
          await insertJob(trx, {
            id: jobId,
            type: job.type,
            fileName: upload.fileName,
            header: event.bytes,
            columns,
            options: job.options,
          });
          headerSeen = true;
          bytes += event.bytes.byteLength;
          continue;
        }
        await insertChunk(trx, jobId, {
          seq: event.seq,
          firstRecord: event.firstRecord,
          recordCount: event.recordCount,
          data: event.bytes,
        });
        chunks += 1;
        rows += event.recordCount;
        bytes += event.bytes.byteLength;
      }
      if (!headerSeen) throw emptyFile();
      if (chunks === 0) {
        throw new HttpProblem(
          400,
          'no_rows',
          'No data rows',
          'The file has a header but no data rows.',
        );
      }
      await setUploadTotals(trx, jobId, { bytes, chunks, rows });
      return { jobId, chunks, rows, bytes };
    });
  } catch (error) {
    if (error instanceof CsvInputError) throw inputProblem(error);
    throw error;
  }
}
