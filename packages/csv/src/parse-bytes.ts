import {
  CR,
  checkDialectBytes,
  DEFAULT_DELIMITER,
  DEFAULT_QUOTE,
  LF,
  pastBreak,
} from './dialect.ts';
import type { ParseErrorCode } from './parse.ts';
import { asBuffer } from './scanner.ts';

export interface ByteParseOptions {
  /** Delimiter byte, default 0x2c (,). */
  delimiter?: number;
  /** Quote byte, default 0x22 ("). */
  quote?: number;
  /** More fields than this make the record a too_many_fields error. */
  maxFields: number;
  /** The fields (0-based) whose bytes are wanted; the others are only stepped over. */
  only: readonly number[];
}

/**
 * Where each wanted field of the record just read lies in the buffer, by
 * field index (reused from record to record: read it in the visitor).
 * A field the record does not have has end -1. A quoted field's range is
 * between its quotes; `doubled` marks one that holds doubled quotes (its
 * value is the range with each `""` read as `"`).
 */
export interface FieldRanges {
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly doubled: Uint8Array;
}

/**
 * eachRecord (parse.ts) on the bytes of UTF-8 text, without decoding them:
 * the same records, the same errors, and for the fields in `only` the
 * bytes of the value eachRecord would give (decoded as UTF-8). For readers
 * of a few fields of every record of a chunk, such as the upload's column
 * profiler: no string is made per chunk or per field, and the rest of a
 * record without a quote is stepped over in one search.
 *
 * The same boundaries because it is the same algorithm on the same
 * characters: the delimiter, quote and line breaks are ASCII, which in
 * UTF-8 never occur inside a multi-byte character, so byte offsets stand in
 * for character offsets (parse-bytes.test.ts compares the two on random
 * input). `visit` gets each record's error code (undefined for a good
 * record) and the wanted fields' ranges; returns the number of records.
 */
export function eachRecordInBytes(
  bytes: Uint8Array,
  options: ByteParseOptions,
  visit: (error: ParseErrorCode | undefined, fields: FieldRanges) => void,
): number {
  const buf = asBuffer(bytes);
  const delimiter = options.delimiter ?? DEFAULT_DELIMITER;
  const quote = options.quote ?? DEFAULT_QUOTE;
  checkDialectBytes(quote, delimiter);
  const { maxFields } = options;
  if (!Number.isSafeInteger(maxFields) || maxFields < 1) {
    throw new RangeError(`maxFields must be a positive integer, got ${maxFields}`);
  }
  let lastWanted = -1;
  for (const i of options.only) lastWanted = Math.max(lastWanted, i);
  const wanted = new Uint8Array(lastWanted + 1);
  for (const i of options.only) wanted[i] = 1;
  const ranges: FieldRanges = {
    start: new Int32Array(lastWanted + 1),
    end: new Int32Array(lastWanted + 1),
    doubled: new Uint8Array(lastWanted + 1),
  };
  const keep = (field: number, start: number, end: number, doubled: boolean) => {
    if (field > lastWanted || wanted[field] === 0) return;
    ranges.start[field] = start;
    ranges.end[field] = end;
    ranges.doubled[field] = doubled ? 1 : 0;
  };

  const n = buf.length;
  const charAt = (i: number) => (i < n ? buf[i] : undefined);
  let count = 0;
  let pos = 0;
  let nextLf = -1;
  let nextCr = -1;
  let nextQuote = -1;
  const lineBreakFrom = (from: number): number => {
    if (nextLf < from) nextLf = indexOrEnd(buf, LF, from, n);
    if (nextCr < from) nextCr = indexOrEnd(buf, CR, from, n);
    return Math.min(nextLf, nextCr);
  };

  while (pos < n) {
    ranges.end.fill(-1);
    let fields = 0;
    let error: ParseErrorCode | undefined;
    // The first line break inside a quoted field of this record.
    let recordBreak = -1;
    let cut = false;

    // One iteration per field; `pos` is at the field's first byte.
    for (;;) {
      if (fields > lastWanted) {
        // Past the wanted fields: a rest without a quote byte is plain
        // fields up to the line break (only their number still matters).
        if (nextQuote < pos) nextQuote = indexOrEnd(buf, quote, pos, n);
        const lineBreak = lineBreakFrom(pos);
        if (nextQuote >= lineBreak) {
          if (fields + 1 + (lineBreak - pos) > maxFields) {
            fields += 1 + countIn(buf, delimiter, pos, lineBreak);
          } else fields += 1;
          pos = lineBreak >= n ? n : pastBreak(lineBreak, charAt);
          break;
        }
      }
      if (buf[pos] === quote) {
        const from = pos + 1;
        let doubled = false;
        let close = buf.indexOf(quote, from);
        while (close !== -1 && buf[close + 1] === quote) {
          doubled = true;
          close = buf.indexOf(quote, close + 2);
        }
        const lineBreak = lineBreakFrom(pos + 1);
        const spans = lineBreak < (close === -1 ? n : close);
        if (spans && recordBreak === -1) recordBreak = lineBreak;
        if (close === -1) {
          cut = spans;
          if (!spans) {
            // On its own line and nothing closes it: the record runs to the end.
            error = 'unterminated_quote';
            pos = n;
          }
          break;
        }
        pos = close + 1;
        const c = buf[pos];
        const last = pos >= n || c === LF || c === CR;
        if (last || c === delimiter) {
          keep(fields, from, close, doubled);
          fields += 1;
          if (!last) {
            pos += 1;
            continue;
          }
          pos = pos >= n ? n : pastBreak(pos, charAt);
          break;
        }
        if (spans) {
          cut = true;
          break;
        }
        error ??= 'invalid_quoting';
      }

      // Unquoted field (or the remains of a badly quoted one): up to the
      // next delimiter or line break. Looked for byte by byte: fields are
      // short, and a search call per field costs more than the bytes.
      let end = pos;
      let b = 0;
      while (end < n) {
        b = buf[end]!;
        if (b === delimiter || b === LF || b === CR) break;
        end += 1;
      }
      keep(fields, pos, end, false);
      fields += 1;
      if (end < n && b === delimiter) {
        pos = end + 1;
        continue;
      }
      pos = end >= n ? n : pastBreak(end, charAt);
      break;
    }

    count += 1;
    if (cut) {
      ranges.end.fill(-1);
      visit('unterminated_quote', ranges);
      pos = pastBreak(recordBreak, charAt);
      // Reading moves back to the break: cached positions may lie past matches.
      nextLf = -1;
      nextCr = -1;
      nextQuote = -1;
      continue;
    }
    if (!error && fields > maxFields) error = 'too_many_fields';
    if (error) ranges.end.fill(-1);
    visit(error, ranges);
  }
  return count;
}

function indexOrEnd(buf: Buffer, byte: number, from: number, n: number): number {
  const at = buf.indexOf(byte, from);
  return at === -1 ? n : at;
}

/** How many times `byte` occurs in buf[from, to). */
function countIn(buf: Buffer, byte: number, from: number, to: number): number {
  let count = 0;
  for (let at = buf.indexOf(byte, from); at !== -1 && at < to; at = buf.indexOf(byte, at + 1)) {
    count += 1;
  }
  return count;
}
