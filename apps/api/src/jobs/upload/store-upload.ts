import { randomUUID } from 'node:crypto';
import { openCsvText, splitRecords } from '@sluice/csv';
import {
  claimIdempotencyKey,
  type Database,
  type DatasetView,
  deleteJob,
  finishUpload,
  insertChunk,
  insertJob,
  inTransaction,
  type TransactionOptions,
} from '@sluice/db';
import { ColumnProfiler } from '@sluice/normalize';
import type { Kysely, Transaction } from 'kysely';
import { mapToDataset } from '../../datasets/column-mapping.ts';
import { HttpProblem } from '../../http/problem.ts';
import type { JobRequest } from '../job-options.ts';
import { decideDelimiter, describeDialect } from './dialect.ts';
import { readHeaderNames, requireUsableOutputHeader } from './header.ts';
import { profileChunk } from './profile-chunk.ts';
import type { CsvUpload } from './request-body.ts';
import { emptyFile, noRows, uploadProblem } from './upload-problems.ts';

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

/** Bytes looked at to detect encoding and delimiter. */
export const SNIFF_BYTES = 64 * 1024;

/**
 * Streams an upload into PostgreSQL: detects the encoding (transcoding to
 * UTF-8) and the delimiter from the first bytes, then stores the job row
 * (receiving) and each chunk as it arrives, each in a short transaction of
 * its own: no database connection is held while the client sends, however
 * slowly. A chunk is stored while the next is read and profiled, and that
 * one waits for it (backpressure): at most one chunk is being stored at a
 * time, memory stays near two chunks whatever the file size. Column types and date
 * orders are profiled over the whole file on the way. Nothing is anybody's
 * until the caller accepts the job (acceptJob, right before the 202); an
 * upload that fails is withdrawn here, and one whose API process dies is
 * removed by the reconciler once it has gone silent.
 */
export async function storeUpload(
  db: Kysely<Database>,
  upload: CsvUpload,
  request: JobRequest,
  limits: StoreLimits,
  options: {
    /** The owner of the job. */
    tenantId: string;
    /** Bound to the job with its row (a concurrent duplicate is 409 idempotency_key_in_use). */
    idempotencyKey?: string | undefined;
    /** Import jobs: the dataset, whose columns decide the mapped columns' types. */
    dataset?: DatasetView | undefined;
    /** Timeouts of each short transaction (statement, idle in transaction). */
    transaction: TransactionOptions;
  },
): Promise<StoredUpload> {
  const { dataset, tenantId, idempotencyKey } = options;
  const jobId = randomUUID();
  let stored = false;
  // The chunk being stored: the next one is split and profiled meanwhile,
  // then waits for it (its failure surfaces there, or at the end).
  let storing: Promise<void> | undefined;
  // One short transaction per step; a step that may run twice (a chunk, the
  // totals) is retried after a transient failure.
  const write = <T>(step: (trx: Transaction<Database>) => Promise<T>, maxAttempts = 1) =>
    inTransaction(db, step, { ...options.transaction, maxAttempts });
  const stillReceiving = (receiving: boolean) => {
    if (!receiving) {
      throw new HttpProblem(
        'upload_too_slow',
        'The upload stalled for so long that it was discarded; send it again.',
      );
    }
  };
  try {
    const text = await openCsvText(upload.bytes, {
      sniffBytes: SNIFF_BYTES,
      encoding: request.encoding,
    });
    const delimiter = decideDelimiter(request.delimiter, text);
    // The encoding of a file that starts with plain ASCII is decided later
    // (at its first non-ASCII byte): the options are written again at the end.
    const options = () => ({
      ...request.options,
      dialect: describeDialect(text.encoding(), delimiter),
    });

    let chunks = 0;
    let rows = 0;
    let bytes = 0;
    let profiler: ColumnProfiler | undefined;
    let targets: Array<string | undefined> = [];
    const split = splitRecords(text.stream, {
      ...limits,
      delimiter: delimiter.delimiter.charCodeAt(0),
    });
    for await (const event of split) {
      if (event.kind === 'header') {
        const names = readHeaderNames(event.bytes, limits.maxColumns, delimiter.delimiter);
        let requests = request.columns;
        if (dataset) ({ requests, targets } = mapToDataset(names, request.columns, dataset));
        requireUsableOutputHeader(names, requests);
        profiler = new ColumnProfiler(names, requests, request.options.dateOrder);
        await write(async (trx) => {
          await insertJob(trx, {
            id: jobId,
            tenantId,
            type: request.type,
            dataset: dataset?.name,
            fileName: upload.fileName,
            header: event.bytes,
            columns: names.map((name) => ({ name, type: 'text', required: false })),
            options: options(),
          });
          const key = idempotencyKey;
          if (key !== undefined && !(await claimIdempotencyKey(trx, { tenantId, key, jobId }))) {
            throw new HttpProblem(
              'idempotency_key_in_use',
              'A request with this Idempotency-Key is in progress or was just answered; retry in a moment.',
              { headers: { 'retry-after': '1' } },
            );
          }
        });
        stored = true;
        bytes += event.bytes.byteLength;
        continue;
      }
      const chunk = {
        seq: event.seq,
        firstRecord: event.firstRecord,
        recordCount: event.recordCount,
        data: event.bytes,
      };
      if (storing) await storing;
      storing = write((trx) => insertChunk(trx, jobId, chunk), 3).then(stillReceiving);
      // Handled here too: it may fail while this loop waits for the client.
      storing.catch(() => {});
      if (profiler?.wantsRows) {
        profileChunk(profiler, event.bytes, {
          delimiter: delimiter.delimiter,
          maxFields: limits.maxColumns,
        });
      }
      chunks += 1;
      rows += event.recordCount;
      bytes += event.bytes.byteLength;
    }
    if (storing) await storing;
    if (!profiler) throw emptyFile();
    if (chunks === 0) {
      throw noRows();
    }
    const columns = profiler.finish().map((c, i) => {
      const target = targets[i];
      if (target === undefined) return c;
      // Workers bound a key column's values (MAX_KEY_BYTES) row by row.
      return dataset?.key.includes(target) ? { ...c, target, key: true } : { ...c, target };
    });
    const totals = { bytes, chunks, rows, columns, options: options() };
    stillReceiving(await write((trx) => finishUpload(trx, jobId, totals), 3));
    return { jobId, chunks, rows, bytes };
  } catch (error) {
    // Withdrawn at once; if even that fails (the database is down), the
    // reconciler removes the silent upload later. It was never accepted.
    // A chunk still being stored is let finish first (it would find no job
    // either way: its statement stores nothing once the job row is gone).
    await storing?.catch(() => {});
    if (stored) await deleteJob(db, jobId).catch(() => {});
    throw uploadProblem(error);
  }
}
