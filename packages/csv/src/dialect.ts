/**
 * The CSV dialect shared by every module. Record boundaries found on bytes (the
 * splitter, `recordEnds`) and on text (`parseRecords`) must agree exactly, or a
 * worker would number rows differently from the API; both follow these rules:
 *
 * - Line breaks: LF, CR and CRLF each end a record outside a quoted field
 *   (CRLF is one break, not a break and a blank line). CR-only files (old Mac
 *   exports) and CR-only rows inside an LF file are records like any other.
 * - A quote opens a quoted field only at the start of a field (record start or
 *   right after the delimiter). Inside, a doubled quote is a literal quote and a
 *   single quote closes the field. A quote anywhere else is literal data, so an
 *   unquoted `5" disk` does not swallow the following lines.
 * - A quoted field may contain line breaks. One that does ("spans lines") must
 *   prove it was meant: its closing quote must be followed by the delimiter, a
 *   line break or the end of the input. If it is followed by anything else, or
 *   no closing quote comes before the end of the input, its opening quote is
 *   taken as never closed (a stray quote, e.g. `5" screen` quoted by hand):
 *   the record ends at the first line break inside a quoted field of that
 *   record, is reported as `unterminated_quote`, and reading resumes right
 *   after that break. So one bad quote costs one row, not the rest of the file.
 *   The splitter applies one more rule that needs no lookahead from the parser:
 *   a record over its byte limit that has such a break within the limit is cut
 *   the same way (and the chunk ends there, so the parser, seeing no closing
 *   quote in its chunk, cuts it identically).
 * - A quoted field without a line break whose closing quote is followed by
 *   other text (`"abc"def`) is `invalid_quoting`; the rest of the field is read
 *   as unquoted text, so the record still ends where the splitter says.
 *
 * Quote and delimiter must be ASCII: in UTF-8 an ASCII byte never occurs inside
 * a multi-byte character, which is what lets the byte scanner and the text
 * parser see the same boundaries.
 */

export const LF = 0x0a;
export const CR = 0x0d;
export const DEFAULT_QUOTE = 0x22; // "
export const DEFAULT_DELIMITER = 0x2c; // ,

/** Checks a quote/delimiter pair given as byte values; throws on programmer error. */
export function checkDialectBytes(quote: number, delimiter: number): void {
  for (const [name, value] of [
    ['quote', quote],
    ['delimiter', delimiter],
  ] as const) {
    if (!Number.isInteger(value) || value < 0 || value > 0x7f || value === LF || value === CR) {
      throw new RangeError(`${name} must be an ASCII byte other than CR and LF, got ${value}`);
    }
  }
  if (quote === delimiter) throw new RangeError('quote and delimiter must differ');
}

/** Converts a one-character dialect string to its byte value, validating it. */
export function dialectByte(name: string, value: string): number {
  if (value.length !== 1)
    throw new RangeError(`${name} must be one character, got ${JSON.stringify(value)}`);
  return value.charCodeAt(0);
}

/**
 * Where a record cut at a line break inside a quoted field ends: just past the
 * break, CRLF counting as one. `at(i)` reads the input (undefined past its end).
 */
export function pastBreak(breakAt: number, at: (i: number) => number | undefined): number {
  return at(breakAt) === CR && at(breakAt + 1) === LF ? breakAt + 2 : breakAt + 1;
}
