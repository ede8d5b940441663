import { MAX_KEY_BYTES, outputColumns, type PreviewBody, writtenColumn } from '@sluice/contract';
import { openCsvText, parseRecords, splitRecords } from '@sluice/csv';
import type { DatasetView } from '@sluice/db';
import { ColumnProfiler, compileRowRules, createRowNormalizer } from '@sluice/normalize';
import { mapToDataset } from '../datasets/column-mapping.ts';
import type { JobRequest } from '../jobs/job-options.ts';
import { decideFileDialect, describeDialect } from '../jobs/upload/dialect.ts';
import {
  generatedHeaderNames,
  readHeaderNames,
  requireUsableOutputHeader,
} from '../jobs/upload/header.ts';
import type { CsvUpload } from '../jobs/upload/request-body.ts';
import type { StoreLimits } from '../jobs/upload/store-upload.ts';
import { SNIFF_BYTES } from '../jobs/upload/store-upload.ts';
import { emptyFile, noRows, uploadProblem } from '../jobs/upload/upload-problems.ts';
import { withColumnRules } from '../rules/job-column-rules.ts';

export interface PreviewLimits extends Pick<StoreLimits, 'maxRecordBytes' | 'maxColumns'> {
  /** Data records to read (blank ones count), at most. */
  records: number;
  /** Bytes of the file (UTF-8) to read, at most, beyond the record being read when it is reached. */
  maxBytes: number;
}

type Row = PreviewBody['rows'][number];

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** True for a line with no content at all (blank line or only delimiters), as workers skip it. */
const isBlank = (fields: readonly string[]) => fields.every((f) => f.trim() === '');

/**
 * One record as a job's worker would treat it (apps/worker's normalize-chunk):
 * not UTF-8 or unparseable: an error of the row; a field count unlike the
 * header's: column_count_mismatch; else normalized, invalid values reported.
 */
function previewRow(
  recordNumber: number,
  bytes: Uint8Array,
  limits: { maxColumns: number; delimiter: string; quote: string; columnCount: number },
  normalize: (fields: readonly string[]) => {
    values: string[];
    errors: Row['errors'];
    rejected: boolean;
  },
  keyColumns: readonly number[],
): Row | undefined {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    const error = {
      column: null,
      code: 'invalid_encoding',
      message: 'The row is not valid UTF-8 text',
    };
    return { recordNumber, raw: null, normalized: null, rejected: true, errors: [error] };
  }
  const [record] = parseRecords(text, {
    maxFields: limits.maxColumns,
    delimiter: limits.delimiter,
    quote: limits.quote,
  });
  if (!record) return undefined;
  if ('error' in record) {
    const { code, message } = record.error;
    return {
      recordNumber,
      raw: null,
      normalized: null,
      rejected: true,
      errors: [{ column: null, code, message }],
    };
  }
  const { fields } = record;
  if (isBlank(fields)) return undefined;
  if (fields.length !== limits.columnCount) {
    const message = `Expected ${limits.columnCount} fields as in the header, found ${fields.length}`;
    return {
      recordNumber,
      raw: fields,
      normalized: null,
      rejected: true,
      errors: [{ column: null, code: 'column_count_mismatch', message }],
    };
  }
  const row = normalize(fields);
  const errors = row.errors.map(({ column, code, message }) => ({ column, code, message }));
  let rejected = row.rejected;
  // Imports: a key longer than the dataset's primary key can hold rejects the row.
  const keyBytes = keyColumns.reduce((n, i) => n + Buffer.byteLength(row.values[i] ?? ''), 0);
  if (!rejected && keyColumns.length > 0 && keyBytes > MAX_KEY_BYTES) {
    rejected = true;
    errors.push({
      column: null,
      code: 'key_too_long',
      message: `The row's key is ${keyBytes} bytes long; a key may have at most ${MAX_KEY_BYTES} bytes (UTF-8)`,
    });
  }
  return { recordNumber, raw: fields, normalized: row.values, rejected, errors };
}

/**
 * How a job would read the start of an upload, without storing anything:
 * the encoding and delimiter decided as at upload, the header checked and
 * (imports) mapped onto the dataset, the columns profiled and the first
 * records normalized as a worker would. Reads the upload only as far as
 * `limits` allow (the records asked for, or `maxBytes`, whichever comes
 * first), then closes it: the caller answers while the client may still be
 * sending, and discards the rest (http/problem.ts answerBeforeBodyEnds).
 */
export async function readPreview(
  upload: CsvUpload,
  request: JobRequest,
  limits: PreviewLimits,
  dataset?: DatasetView,
): Promise<PreviewBody> {
  try {
    const text = await openCsvText(upload.bytes, {
      sniffBytes: SNIFF_BYTES,
      encoding: request.encoding,
    });
    const file = decideFileDialect(request, text);
    const { delimiter } = file;
    let bytesRead = 0;
    const counted = (async function* () {
      for await (const piece of text.stream) {
        bytesRead += piece.byteLength;
        yield piece;
      }
    })();
    // One record per event (chunkBytes 1): numbered and bounded as a job's are.
    const split = splitRecords(counted, {
      chunkBytes: 1,
      maxRecordBytes: limits.maxRecordBytes,
      delimiter: delimiter.delimiter.charCodeAt(0),
      quote: file.quote.charCodeAt(0),
      skipRecords: file.titleLines,
      headerless: !file.hasHeader,
    });
    let header: string[] | undefined;
    let requests = request.columns;
    let targets: Array<string | undefined> = [];
    const useHeader = (names: string[]) => {
      header = names;
      if (dataset) ({ requests, targets } = mapToDataset(names, request.columns, dataset));
      requireUsableOutputHeader(names, requests);
    };
    // No header line: the names are generated.
    if (!file.hasHeader) useHeader(generatedHeaderNames(file.width));
    const records: Array<{ number: number; bytes: Buffer }> = [];
    let truncated = false;
    for await (const event of split) {
      if (event.kind === 'header') {
        useHeader(
          readHeaderNames(event.bytes, limits.maxColumns, {
            delimiter: delimiter.delimiter,
            quote: file.quote,
            headerForced: file.headerForced,
          }),
        );
      } else {
        records.push({ number: event.firstRecord, bytes: event.bytes });
      }
      // One record beyond those asked for tells whether the file goes on;
      // past the byte bound, one record at least (it is bounded too).
      // Leaving the loop closes the upload: the rest is not read.
      const full = bytesRead >= limits.maxBytes && records.length > 0;
      if (records.length > limits.records || full) {
        truncated = true;
        break;
      }
    }
    if (records.length > limits.records) records.length = limits.records;
    if (!header) throw emptyFile();
    if (records.length === 0) throw noRows();

    const profiler = new ColumnProfiler(header, requests, request.options.dateOrder, {
      dateOrderHint: request.dateOrderHint,
      locale: request.options.locale,
    });
    const columnCount = header.length;
    // Fed as at upload: every parsed record, decoded leniently.
    for (const { bytes } of records) {
      const [record] = parseRecords(bytes.toString('utf8'), {
        delimiter: delimiter.delimiter,
        quote: file.quote,
        maxFields: limits.maxColumns,
      });
      if (record && 'fields' in record) profiler.add(record.fields);
    }
    const profiled = profiler.finish();
    // As a worker: dropped columns are not normalized, and `normalized` has a
    // value per written column only (result.csv's columns), in header order.
    // With their validation rules (the dataset's, the request's), checked as at upload.
    const ruled = withColumnRules(
      profiled.map((c, i) => (targets[i] === undefined ? c : { ...c, target: targets[i] })),
      request.columns,
      dataset,
    );
    const written = outputColumns(ruled);
    // A split name's parts are columns of their own (writtenColumn).
    const writtenSpecs = written.map(writtenColumn);
    const normalizeWritten = createRowNormalizer(writtenSpecs, request.options);
    const rowRules = compileRowRules(writtenSpecs);
    const normalize = (fields: readonly string[]) => {
      const rowFields = written.map(({ field }) => fields[field]!);
      const result = normalizeWritten(rowFields);
      if (rowRules?.apply(rowFields, result.values, result.errors)) result.rejected = true;
      return result;
    };
    // Positions in `normalized` of the columns that fill the dataset's key.
    const keyColumns = dataset
      ? written.flatMap(({ field, part }, i) => {
          const target = part === undefined ? targets[field] : undefined;
          return target !== undefined && dataset.key.includes(target) ? [i] : [];
        })
      : [];
    const rows = records.flatMap(({ number, bytes }) => {
      const row = previewRow(
        number,
        bytes,
        {
          maxColumns: limits.maxColumns,
          delimiter: delimiter.delimiter,
          quote: file.quote,
          columnCount,
        },
        normalize,
        keyColumns,
      );
      return row ? [row] : [];
    });

    const encoding = text.encoding();
    const dialect = describeDialect(encoding, file, upload);
    const columns = profiled.map((c, i) => ({
      name: c.name,
      outputName: c.outputName,
      type: c.type,
      source: c.source,
      confidence: c.confidence,
      notes: c.notes,
      required: c.required,
      ...(c.dropped ? { dropped: true as const } : {}),
      ...(c.dateOrder ? { dateOrder: c.dateOrder } : {}),
      ...(c.dateOrderSource ? { dateOrderSource: c.dateOrderSource } : {}),
      ...(dataset
        ? { datasetColumn: targets[i] ?? null, key: dataset.key.includes(targets[i] ?? '') }
        : {}),
    }));
    const fills = (name: string) => header![targets.indexOf(name)] ?? null;
    return {
      type: request.type,
      ...(dataset ? { dataset: dataset.name } : {}),
      encoding: {
        name: encoding.encoding,
        source: encoding.source,
        confidence: encoding.confidence,
        ...encodingNote(encoding.source, encoding.note, truncated, bytesRead),
      },
      delimiter: {
        char: delimiter.delimiter,
        source: delimiter.source,
        confidence: dialect.delimiterConfidence,
      },
      header,
      columns,
      ...(dataset
        ? {
            datasetColumns: dataset.columns.map((c) => ({
              name: c.name,
              type: c.type,
              required: c.required || dataset.key.includes(c.name),
              key: dataset.key.includes(c.name),
              column: fills(c.name),
            })),
          }
        : {}),
      rows,
      sample: { records: records.length, bytes: bytesRead },
      truncated,
      options: { ...request.options, dialect },
    };
  } catch (error) {
    throw uploadProblem(error);
  }
}

/** The decision's own note; for a file read only in part that was all ASCII, that it is not final. */
function encodingNote(
  source: string,
  note: string | undefined,
  truncated: boolean,
  bytesRead: number,
): { note?: string } {
  if (source === 'ascii' && truncated) {
    return {
      note: `the ${bytesRead} bytes read are all ASCII; a job decides the encoding at the file's first byte above 0x7F`,
    };
  }
  return note ? { note } : {};
}
