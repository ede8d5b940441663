import { CR, checkDialectBytes, dialectByte, LF, pastBreak } from './dialect.ts';

export interface ParseOptions {
  /** One ASCII character, default ','. */
  delimiter?: string;
  /** One ASCII character, default '"'. */
  quote?: string;
  /** More fields than this make the record a too_many_fields error. */
  maxFields: number;
  /**
   * Only these fields (0-based) are read; the others are '' in each record
   * (records, their boundaries, field counts and errors are the same). For
   * readers of a few columns of every record, such as the upload's column
   * profiler: no string is cut for the fields nobody reads.
   */
  only?: readonly number[] | undefined;
}

export type ParseErrorCode = 'unterminated_quote' | 'too_many_fields' | 'invalid_quoting';

export type ParseError = { code: ParseErrorCode; message: string };

export type ParsedRecord = { fields: string[] } | { error: ParseError };

/**
 * Parses CSV text into records with the same boundaries as splitRecords and
 * recordEnds (see dialect.ts: LF, CR and CRLF end records; a quoted field
 * that spans lines without an acceptable closing quote is cut at its first
 * line break), so that a chunk of N records always yields N entries. Problems
 * are reported per record and parsing goes on with the next.
 *
 * Fields are cut with indexOf and slice (no per-character concatenation): this
 * runs on every byte of every upload. The next delimiter and line breaks are
 * cached because each search may run past the current field; re-searching per
 * field would be quadratic in long records.
 */
export function parseRecords(text: string, options: ParseOptions): ParsedRecord[] {
  const records: ParsedRecord[] = [];
  eachRecord(text, options, (record) => {
    records.push(record);
  });
  return records;
}

/**
 * parseRecords handing each record to `visit` as soon as it is cut, in order,
 * instead of gathering them; returns the number of records. For a reader that
 * is done with a record before the next (the worker's normalize loop): a
 * chunk's records are then never all alive at once, so a thread's strings die
 * young instead of being promoted and swept by full collections.
 */
export function eachRecord(
  text: string,
  options: ParseOptions,
  visit: (record: ParsedRecord) => void,
): number {
  const delimiterChar = options.delimiter ?? ',';
  const quoteChar = options.quote ?? '"';
  const delimiter = dialectByte('delimiter', delimiterChar);
  const quote = dialectByte('quote', quoteChar);
  checkDialectBytes(quote, delimiter);
  const { maxFields } = options;
  if (!Number.isSafeInteger(maxFields) || maxFields < 1) {
    throw new RangeError(`maxFields must be a positive integer, got ${maxFields}`);
  }

  const wanted = options.only ? wantedFields(options.only) : undefined;
  const n = text.length;
  let count = 0;
  const charAt = (i: number) => (i < n ? text.charCodeAt(i) : undefined);
  let pos = 0;
  let nextDelimiter = -1;
  let nextLf = -1;
  let nextCr = -1;
  const lineBreakFrom = (from: number): number => {
    if (nextLf < from) nextLf = indexOrEnd(text, '\n', from, n);
    if (nextCr < from) nextCr = indexOrEnd(text, '\r', from, n);
    return Math.min(nextLf, nextCr);
  };

  while (pos < n) {
    const fields: string[] = [];
    let error: ParseError | undefined;
    // The first line break inside a quoted field of this record, and its field.
    let recordBreak = -1;
    let breakField = 0;
    let cut = false;

    // One iteration per field; `pos` is at the field's first character.
    for (;;) {
      if (text.charCodeAt(pos) === quote) {
        let from = pos + 1;
        let parts: string[] | undefined; // only for fields with doubled quotes
        let close = text.indexOf(quoteChar, from);
        while (close !== -1 && text.charCodeAt(close + 1) === quote) {
          parts ??= [];
          parts.push(text.slice(from, close + 1));
          from = close + 2;
          close = text.indexOf(quoteChar, from);
        }
        const lineBreak = lineBreakFrom(pos + 1);
        const spans = lineBreak < (close === -1 ? n : close);
        if (spans && recordBreak === -1) {
          recordBreak = lineBreak;
          breakField = fields.length + 1;
        }
        if (close === -1) {
          cut = spans;
          if (!spans) {
            // On its own line and nothing closes it: the record runs to the end.
            error = unterminated(fields.length + 1);
            pos = n;
          }
          break;
        }
        pos = close + 1;
        const c = text.charCodeAt(pos);
        const last = pos >= n || c === LF || c === CR;
        if (last || c === delimiter) {
          if (wanted && !wanted[fields.length]) fields.push('');
          else
            fields.push(parts ? parts.join('') + text.slice(from, close) : text.slice(from, close));
          if (!last) {
            pos += 1;
            continue;
          }
          pos = pos >= n ? n : pastBreak(pos, charAt);
          break;
        }
        if (spans) {
          // `"...<line break>..."x`: the quote was never meant to close.
          cut = true;
          break;
        }
        // `"abc"def`: keeping either part would silently change the value.
        // The rest is scanned as an unquoted field (as the splitter does) to
        // find where the record ends; the record is reported, not its fields.
        error ??= invalidQuoting(fields.length + 1);
      }

      // Unquoted field (or the remains of a badly quoted one): up to the next
      // delimiter or line break; quotes inside are literal (`5" disk`).
      if (nextDelimiter < pos) nextDelimiter = indexOrEnd(text, delimiterChar, pos, n);
      const lineBreak = lineBreakFrom(pos);
      if (nextDelimiter < lineBreak) {
        fields.push(wanted && !wanted[fields.length] ? '' : text.slice(pos, nextDelimiter));
        pos = nextDelimiter + 1;
        continue;
      }
      fields.push(wanted && !wanted[fields.length] ? '' : text.slice(pos, lineBreak));
      pos = lineBreak >= n ? n : pastBreak(lineBreak, charAt);
      break;
    }

    if (cut) {
      count += 1;
      visit({ error: cutAtBreak(breakField) });
      pos = pastBreak(recordBreak, charAt);
      // Reading moves back to the break: cached positions may lie past matches.
      nextDelimiter = -1;
      nextLf = -1;
      nextCr = -1;
      continue;
    }
    // Counted after the fact: a record is at most maxRecordBytes (the
    // splitter's limit), so its fields are bounded anyway.
    if (!error && fields.length > maxFields) error = tooManyFields(maxFields);
    count += 1;
    visit(error ? { error } : { fields });
  }
  return count;
}

const unterminated = (field: number): ParseError => ({
  code: 'unterminated_quote',
  message: `Field ${field} opens a quote that is never closed.`,
});

const cutAtBreak = (field: number): ParseError => ({
  code: 'unterminated_quote',
  message: `Field ${field} opens a quote that is not closed where a quoted field can end; the row was read up to the line break and reading resumed on the next line.`,
});

const invalidQuoting = (field: number): ParseError => ({
  code: 'invalid_quoting',
  message: `Field ${field} has characters after its closing quote; a quote inside a quoted field must be doubled.`,
});

const tooManyFields = (max: number): ParseError => ({
  code: 'too_many_fields',
  message: `The record has more than ${max} fields.`,
});

/** index -> read it, for `only`. */
function wantedFields(only: readonly number[]): boolean[] {
  const wanted: boolean[] = [];
  for (const index of only) wanted[index] = true;
  return wanted;
}

function indexOrEnd(text: string, char: string, from: number, n: number): number {
  const at = text.indexOf(char, from);
  return at === -1 ? n : at;
}
