import { MAX_KEY_BYTES, outputColumns, type RowError, writtenColumn } from '@sluice/contract';
import {
  eachRecord,
  formatSafeRecord,
  type ParsedRecord,
  recordEnds,
  safeFields,
} from '@sluice/csv';
import {
  type CellError,
  compileRowRules,
  createRowNormalizer,
  FORMULA_SAFE_TYPES,
} from '@sluice/normalize';
import type { ChunkTask, ChunkTaskResult } from './chunk-task.ts';
import { StageRows } from './stage-rows.ts';
import { Utf8Sink } from './utf8-sink.ts';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Longest raw value kept in an error report (the full row stays in the input). */
const RAW_PREVIEW = 200;

/** A parsed record, or one whose bytes are not UTF-8. */
type DecodedRecord = ParsedRecord | { error: { code: 'invalid_encoding'; message: string } };

/**
 * Decodes the chunk strictly and hands each record to `visit` as it is cut;
 * returns the number of records. Invalid UTF-8 is never replaced with U+FFFD:
 * the offending records are found one by one and reported, the rest parsed.
 */
function eachDecodedRecord(
  data: Uint8Array,
  maxFields: number,
  dialect: { delimiter: string; quote?: string | undefined },
  visit: (record: DecodedRecord) => void,
): number {
  const { delimiter, quote = '"' } = dialect;
  const options = { maxFields, delimiter, quote };
  let text: string | undefined;
  try {
    text = strictUtf8.decode(data);
  } catch {
    // Below: record by record (only the decoding may fail here, never `visit`).
  }
  if (text !== undefined) return eachRecord(text, options, visit);
  let count = 0;
  let start = 0;
  for (const end of recordEnds(data, quote.charCodeAt(0), delimiter.charCodeAt(0))) {
    const slice = data.subarray(start, end);
    start = end;
    let record: string;
    try {
      record = strictUtf8.decode(slice);
    } catch {
      count += 1;
      visit({ error: { code: 'invalid_encoding', message: 'The row is not valid UTF-8 text' } });
      continue;
    }
    count += eachRecord(record, options, visit);
  }
  return count;
}

/** True for a line with no content at all (blank line or only delimiters). */
const isBlank = (fields: readonly string[]) => fields.every((f) => f.trim() === '');

/**
 * A row whose key values together exceed MAX_KEY_BYTES would fail the
 * import's merge as a whole (PostgreSQL's btree entry limit): it is
 * rejected alone, naming its longest key column.
 */
function checkKeyBytes(
  values: readonly string[],
  keyColumns: ReadonlyArray<{ index: number; name: string }>,
): Omit<RowError, 'recordNumber'> | undefined {
  let total = 0;
  let longest = keyColumns[0]!;
  let longestBytes = -1;
  for (const column of keyColumns) {
    const bytes = Buffer.byteLength(values[column.index] ?? '', 'utf8');
    total += bytes;
    if (bytes > longestBytes) {
      longest = column;
      longestBytes = bytes;
    }
  }
  if (total <= MAX_KEY_BYTES) return undefined;
  return {
    column: longest.name,
    raw: (values[longest.index] ?? '').slice(0, RAW_PREVIEW),
    code: 'key_too_long',
    message: `The row's key is ${total} bytes long; a key may have at most ${MAX_KEY_BYTES} bytes (UTF-8)`,
  };
}

/**
 * Parses and normalizes one chunk. Pure CPU work, run inside a piscina thread.
 * Every record ends up exactly once as accepted, rejected or blank; nothing
 * about a bad row throws.
 */
export function normalizeChunk(task: ChunkTask): ChunkTaskResult {
  // Every record has a field per input column; dropped ones are neither
  // normalized nor written (their values never reach the output or errors),
  // a split name's field is read again for each of its parts.
  const columnCount = task.columns.length;
  const written = outputColumns(task.columns);
  const columns = written.map(writtenColumn);
  const fieldIndexes = written.map(({ field }) => field);
  const dropsAny = columns.length !== columnCount || fieldIndexes.some((f, i) => f !== i);
  // Values of formula-safe types (normalized numbers such as -5) are exempt.
  const formatting = { formulaSafe: columns.map((c) => FORMULA_SAFE_TYPES.has(c.type)) };
  // One per chunk: values repeated within the chunk are normalized once.
  const normalizeRow = createRowNormalizer(columns, task.options);
  // Validation rules, compiled once for the chunk; undefined (nothing per row) without any.
  const rowRules = compileRowRules(columns);
  const uniqueColumns = rowRules?.unique ?? [];
  const unique =
    uniqueColumns.length === 0
      ? undefined
      : {
          columns: [] as string[],
          values: [] as string[],
          raws: [] as string[],
          recordNumbers: [] as number[],
        };
  const keyColumns = columns.flatMap((c, i) => (c.key ? [{ index: i, name: c.name }] : []));
  const errors: RowError[] = [];
  const values: string[] = new Array<string>(columns.length).fill('');
  const cellErrors: CellError[] = [];
  const output = new Utf8Sink();
  // Import jobs: the written columns that fill a dataset column, for the stage.
  const staged = columns.flatMap((c, i) => (c.target === undefined ? [] : [i]));
  const stage = task.stage ? new StageRows(task.stage.seq, staged.length) : undefined;
  let rowsAccepted = 0;
  let rowsRejected = 0;
  let rowsBlank = 0;
  let rowsNormalized = 0;

  // Each record is normalized as soon as it is parsed, and is garbage before
  // the next one is cut (see eachRecord).
  let index = 0;
  const visit = (record: DecodedRecord): void => {
    const recordNumber = task.firstRecord + index;
    index += 1;
    if ('error' in record) {
      rowsRejected += 1;
      errors.push({
        recordNumber,
        column: null,
        raw: null,
        code: record.error.code,
        message: record.error.message,
      });
      return;
    }
    const { fields } = record;
    if (isBlank(fields)) {
      rowsBlank += 1;
      return;
    }
    if (fields.length !== columnCount) {
      rowsRejected += 1;
      errors.push({
        recordNumber,
        column: null,
        raw: fields.join(',').slice(0, RAW_PREVIEW),
        code: 'column_count_mismatch',
        message: `Expected ${columnCount} fields as in the header, found ${fields.length}`,
      });
      return;
    }
    // One values array and one errors array for all the rows of the chunk.
    if (cellErrors.length > 0) cellErrors.length = 0;
    const rowFields = dropsAny ? fieldIndexes.map((i) => fields[i]!) : fields;
    let rejected = normalizeRow.into(rowFields, values, cellErrors);
    // Rules check the normalized values (cellErrors holds this row's errors only).
    if (rowRules?.apply(rowFields, values, cellErrors)) rejected = true;
    rowsNormalized += 1;
    for (const e of cellErrors) {
      errors.push({
        recordNumber,
        column: e.column,
        raw: e.raw.slice(0, RAW_PREVIEW),
        code: e.code,
        message: e.message,
      });
    }
    if (!rejected && keyColumns.length > 0) {
      const keyError = checkKeyBytes(values, keyColumns);
      if (keyError) {
        errors.push({ recordNumber, ...keyError });
        rejected = true;
      }
    }
    if (rejected) {
      rowsRejected += 1;
      return;
    }
    rowsAccepted += 1;
    if (unique) {
      for (const i of uniqueColumns) {
        const value = values[i]!;
        if (value === '') continue;
        unique.columns.push(columns[i]!.name);
        unique.values.push(value);
        unique.raws.push(rowFields[i]!.slice(0, RAW_PREVIEW));
        unique.recordNumbers.push(recordNumber);
      }
    }
    output.write(formatSafeRecord(values, formatting));
    if (stage) {
      // What the output line reads back as (formulas neutralized), as the merge expects.
      stage.add(safeFields(values, formatting), staged, recordNumber);
    }
  };
  const recordCount = eachDecodedRecord(
    task.data,
    task.maxColumns,
    { delimiter: task.delimiter, quote: task.quote },
    visit,
  );
  if (recordCount !== task.recordCount) {
    // The API's splitter and this parser must agree on record boundaries, or
    // row numbers in reports would be wrong. Fail loudly rather than mislabel.
    throw new Error(`chunk holds ${recordCount} records, expected ${task.recordCount}`);
  }

  // Every normalized row has one value per written column: count per type once per chunk.
  const valuesByType: Record<string, number> = {};
  if (rowsNormalized > 0) {
    for (const column of columns) {
      valuesByType[column.type] = (valuesByType[column.type] ?? 0) + rowsNormalized;
    }
  }
  return {
    output: output.bytes(),
    rowsAccepted,
    rowsRejected,
    rowsBlank,
    errors,
    valuesByType,
    staged: stage?.result(),
    unique,
  };
}
