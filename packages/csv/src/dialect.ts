/**
 * The CSV dialect shared by every module. Record boundaries found on bytes (the
 * splitter, `recordEnds`) and on text (`parseRecords`) must agree exactly, or a
 * worker would number rows differently from the API; both follow these rules:
 *
 * - A record ends at LF (0x0A) outside a quoted field. CR is ordinary data to
 *   the byte scanner; the parser drops a CR right before LF (CRLF files).
 * - A quote opens a quoted field only at the start of a field (record start or
 *   right after the delimiter). Inside, a doubled quote is a literal quote and a
 *   single quote closes the field. A quote anywhere else is literal data, so an
 *   unquoted `5" disk` does not swallow the following lines.
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
