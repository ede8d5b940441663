import { checkDialectBytes, DEFAULT_DELIMITER, DEFAULT_QUOTE, LF } from './dialect.ts';

// Scanner states (plain numbers: no enums under type stripping).
/** At the first byte of a field: a quote here opens a quoted field. */
const FIELD_START = 0;
/** Inside an unquoted field: quotes are literal, LF ends the record. */
const UNQUOTED = 1;
/** Inside a quoted field: only a quote is interesting. */
const QUOTED = 2;
/** Just after a quote inside a quoted field: a second quote is an escaped quote. */
const AFTER_QUOTE = 3;

type State = typeof FIELD_START | typeof UNQUOTED | typeof QUOTED | typeof AFTER_QUOTE;

/**
 * Finds record boundaries in a byte stream delivered in pieces, carrying the
 * quote state across pieces. It jumps between interesting bytes with
 * Buffer.indexOf (memchr) instead of looking at every byte in JS; only the
 * first byte of a record and the byte after a quote are examined one by one.
 */
export class RecordScanner {
  private readonly quote: number;
  private readonly delimiter: number;
  private state: State = FIELD_START;
  private buf: Buffer = Buffer.alloc(0);
  // Positions of the next LF / quote in `buf` at or after the last search, or
  // buf.length when there is none. Cached because a search may look far past
  // the current record (quotes are rare in most files); re-searching from every
  // record would be quadratic in the piece size.
  private nextLf = -1;
  private nextQuote = -1;

  constructor(quote: number = DEFAULT_QUOTE, delimiter: number = DEFAULT_DELIMITER) {
    checkDialectBytes(quote, delimiter);
    this.quote = quote;
    this.delimiter = delimiter;
  }

  /** True when the bytes seen so far end inside a quoted field. */
  get inQuotes(): boolean {
    return this.state === QUOTED;
  }

  /** Starts on the next piece of the stream; the quote state carries over. */
  feed(piece: Buffer): void {
    this.buf = piece;
    this.nextLf = -1;
    this.nextQuote = -1;
  }

  /**
   * Offset just past the next record terminator at or after `from` in the
   * current piece, or -1 when the piece ends first (the record continues in
   * the next piece).
   */
  next(from: number): number {
    const buf = this.buf;
    const len = buf.length;
    const quote = this.quote;
    const delimiter = this.delimiter;
    let state = this.state;
    let i = from;
    while (i < len) {
      if (state === QUOTED) {
        const at = buf.indexOf(quote, i);
        if (at === -1) break;
        state = AFTER_QUOTE;
        i = at + 1;
      } else if (state === UNQUOTED) {
        if (this.nextLf < i) this.nextLf = indexOrEnd(buf, LF, i);
        if (this.nextQuote < i) this.nextQuote = indexOrEnd(buf, quote, i);
        const at = this.nextQuote;
        if (at < this.nextLf) {
          // Only a quote right after a delimiter starts a quoted field; at === i
          // means the byte before it was not a delimiter (else state would be
          // FIELD_START).
          if (at > i && buf[at - 1] === delimiter) state = QUOTED;
          i = at + 1;
        } else if (this.nextLf < len) {
          this.state = FIELD_START;
          return this.nextLf + 1;
        } else {
          // No LF and no quote left in this piece; only whether it ended on a
          // delimiter matters for the next piece.
          state = buf[len - 1] === delimiter ? FIELD_START : UNQUOTED;
          break;
        }
      } else {
        // FIELD_START or AFTER_QUOTE: decide on this single byte.
        const b = buf[i];
        if (b === LF) {
          this.state = FIELD_START;
          return i + 1;
        }
        if (b === quote) state = QUOTED;
        else if (b === delimiter) state = FIELD_START;
        else state = UNQUOTED;
        i += 1;
      }
    }
    this.state = state;
    return -1;
  }
}

function indexOrEnd(buf: Buffer, byte: number, from: number): number {
  const at = buf.indexOf(byte, from);
  return at === -1 ? buf.length : at;
}

/** A Buffer view of the same memory (no copy), so Buffer.indexOf can be used. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Offsets just past each record's terminator in `bytes`; a last record without
 * LF ends at bytes.length. Same boundaries as splitRecords and parseRecords, so
 * a worker can cut a chunk into single records (e.g. to find the one that is
 * not valid UTF-8).
 */
export function recordEnds(
  bytes: Uint8Array,
  quote: number = DEFAULT_QUOTE,
  delimiter: number = DEFAULT_DELIMITER,
): number[] {
  const scanner = new RecordScanner(quote, delimiter);
  scanner.feed(asBuffer(bytes));
  const ends: number[] = [];
  let at = 0;
  for (let end = scanner.next(0); end !== -1; end = scanner.next(end)) {
    ends.push(end);
    at = end;
  }
  if (at < bytes.length) ends.push(bytes.length);
  return ends;
}
