import { randomUUID } from 'node:crypto';
import {
  CsvInputError,
  detectDelimiter,
  InvalidEncodingError,
  openCsvText,
  parseRecords,
  splitRecords,
} from '@sluice/csv';
import {
  type Database,
  type DatasetView,
  finishUpload,
  insertChunk,
  insertJob,
  inTransaction,
} from '@sluice/db';
import { ColumnProfiler, UnknownColumnError } from '@sluice/normalize';
import type { Kysely } from 'kysely';
import { mapToDataset } from '../../datasets/column-mapping.ts';
import { HttpProblem } from '../../http/problem.ts';
import type { JobRequest } from '../job-options.ts';
import { describeDialect } from './dialect.ts';
import { readHeaderNames } from './header.ts';
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

/** Bytes looked at to detect encoding and delimiter. */
const SNIFF_BYTES = 64 * 1024;

const emptyFile = () => new HttpProblem('empty_file', 'The uploaded file is empty.');

function toProblem(error: unknown): unknown {
  if (error instanceof CsvInputError) {
    if (error.code === 'empty_file') return emptyFile();
    if (error.code === 'not_csv') {
      return new HttpProblem('not_csv', error.message, { extra: { detected: error.detected } });
    }
    return new HttpProblem(
      'record_too_large',
      `Record ${error.recordNumber} is larger than the per-record limit (MAX_RECORD_BYTES).`,
      {
        extra: { record: error.recordNumber },
      },
    );
  }
  if (error instanceof InvalidEncodingError) {
    return new HttpProblem(
      'invalid_encoding',
      `${error.message} Save the file as UTF-8 CSV or pass encoding=...`,
    );
  }
  if (error instanceof UnknownColumnError) {
    return new HttpProblem('unknown_column', error.message);
  }
  return error;
}

/**
 * Streams an upload into PostgreSQL: detects the encoding (transcoding to
 * UTF-8) and the delimiter from the first bytes, then writes the job row and
 * every chunk in ONE transaction, so either the whole file is durably stored
 * or nothing is. Each chunk is inserted before the next is read
 * (backpressure): memory stays near one chunk whatever the file size. Column
 * types and date orders are profiled over the whole file on the way.
 */
export async function storeUpload(
  db: Kysely<Database>,
  upload: CsvUpload,
  request: JobRequest,
  limits: StoreLimits,
  /** Import jobs: the dataset, whose columns decide the mapped columns' types. */
  dataset?: DatasetView,
): Promise<StoredUpload> {
  const jobId = randomUUID();
  try {
    const text = await openCsvText(upload.bytes, {
      sniffBytes: SNIFF_BYTES,
      encoding: request.encoding,
    });
    const delimiter = request.delimiter
      ? { delimiter: request.delimiter, confidence: 1, source: 'request' }
      : { ...detectDelimiter(text.sampleText, text.complete), source: 'detected' };
    // The encoding of a file that starts with plain ASCII is decided later
    // (at its first non-ASCII byte): the options are written again at the end.
    const options = () => ({
      ...request.options,
      dialect: describeDialect(text.encoding(), delimiter),
    });
    const chunkText = new TextDecoder('utf-8');

    return await inTransaction(db, async (trx) => {
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
          profiler = new ColumnProfiler(names, requests, request.options.dateOrder);
          await insertJob(trx, {
            id: jobId,
            type: request.type,
            dataset: dataset?.name,
            fileName: upload.fileName,
            header: event.bytes,
            columns: names.map((name) => ({ name, type: 'text', required: false })),
            options: options(),
          });
          bytes += event.bytes.byteLength;
          continue;
        }
        await insertChunk(trx, jobId, {
          seq: event.seq,
          firstRecord: event.firstRecord,
          recordCount: event.recordCount,
          data: event.bytes,
        });
        if (profiler?.wantsRows) {
          for (const record of parseRecords(chunkText.decode(event.bytes), {
            delimiter: delimiter.delimiter,
            maxFields: limits.maxColumns,
          })) {
            if ('fields' in record) profiler.add(record.fields);
          }
        }
        chunks += 1;
        rows += event.recordCount;
        bytes += event.bytes.byteLength;
      }
      if (!profiler) throw emptyFile();
      if (chunks === 0) {
        throw new HttpProblem('no_rows', 'The file has a header but no data rows.');
      }
      const columns = profiler.finish().map((c, i) => {
        const target = targets[i];
        return target === undefined ? c : { ...c, target };
      });
      await finishUpload(trx, jobId, { bytes, chunks, rows, columns, options: options() });
      return { jobId, chunks, rows, bytes };
    });
  } catch (error) {
    throw toProblem(error);
  }
}
