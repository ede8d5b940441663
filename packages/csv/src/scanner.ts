import {
  CR,
  checkDialectBytes,
  DEFAULT_DELIMITER,
  DEFAULT_QUOTE,
  LF,
  pastBreak,
} from './dialect.ts';

// Scanner states (plain numbers: no enums under type stripping).
/** At the first byte of a field: a quote here opens a quoted field. */
const FIELD_START = 0;
/** Inside an unquoted field: quotes are literal, a line break ends the record. */
const UNQUOTED = 1;
/** Inside a quoted field: only a quote is interesting (and whether a line break came first). */
const QUOTED = 2;
/** Just after a quote inside a quoted field: a second quote is an escaped quote. */
const AFTER_QUOTE = 3;
/** A CR ended the record as the last byte of a piece: an LF next belongs to it (CRLF). */
const AFTER_CR = 4;

type State =
  | typeof FIELD_START
  | typeof UNQUOTED
  | typeof QUOTED
  | typeof AFTER_QUOTE
  | typeof AFTER_CR;

/** `next()`: the piece ended inside a record; feed the next piece. */
export const NEED_MORE = -1;
/**
 * `next()`: the current record must be cut at the first line break inside one
 * of its quoted fields (`breakInRecord`, see dialect.ts); the caller resumes
 * after that break with `restart()`.
 */
const RESYNC = -2;

/**
 * Finds record boundaries in a byte stream delivered in pieces, carrying the
 * quote state across pieces. It jumps between interesting bytes with
 * Buffer.indexOf (memchr) instead of looking at every byte in JS; only the
 * first byte of a field and the byte after a quote are examined one by one.
 *
 * Offsets given to and returned by `next` are relative to the current piece;
 * `breakInRecord` is absolute (pieces carry their absolute `base`), because
 * the break may lie in an earlier piece that only the caller still holds.
 */
export class RecordScanner {
  private readonly quote: number;
  private readonly delimiter: number;
  private state: State = FIELD_START;
  private buf: Buffer = Buffer.alloc(0);
  private base = 0;
  // Positions of the next LF / CR / quote in `buf` at or after the last
  // search, or buf.length when there is none. Cached because a search may look
  // far past the current record (quotes are rare in most files); re-searching
  // from every record would be quadratic in the piece size.
  private nextLf = -1;
  private nextCr = -1;
  private nextQuote = -1;
  /** Absolute offset of the first line break inside a quoted field of this record, or -1. */
  private recordBreak = -1;
  /** The quoted field being scanned contains a line break. */
  private fieldSpans = false;
  /** The last `next` ended a record: `recordBreak` still describes that record. */
  private ended = false;

  constructor(quote: number = DEFAULT_QUOTE, delimiter: number = DEFAULT_DELIMITER) {
    checkDialectBytes(quote, delimiter);
    this.quote = quote;
    this.delimiter = delimiter;
  }

  /** True when the bytes seen so far end inside a quoted field. */
  get inQuotes(): boolean {
    return this.state === QUOTED;
  }

  /**
   * Absolute offset of the first line break inside a quoted field of the
   * record being scanned (or of the record `next` just ended or cut), -1 if none.
   */
  get breakInRecord(): number {
    return this.recordBreak;
  }

  /**
   * At the end of the input: the last record has a quoted field that spans
   * lines and never closes, so it must be cut at `breakInRecord` like RESYNC.
   */
  get mustCutAtEnd(): boolean {
    return this.state === QUOTED && this.fieldSpans;
  }

  /**
   * Starts on the next piece of the stream; the quote state carries over.
   * `base` is the piece's absolute offset (default: right after the last piece).
   */
  feed(piece: Buffer, base: number = this.base + this.buf.length): void {
    this.buf = piece;
    this.base = base;
    this.clearSearches();
  }

  /** After a cut: a new record starts (the caller scans on from the cut). */
  restart(): void {
    this.state = FIELD_START;
    this.recordBreak = -1;
    this.fieldSpans = false;
    this.ended = false;
    // Scanning moves back to the cut: cached positions may lie past earlier matches.
    this.clearSearches();
  }

  /**
   * Offset just past the next record terminator at or after `from` in the
   * current piece; NEED_MORE when the piece ends first (the record continues
   * in the next piece); RESYNC when the record must be cut (dialect.ts).
   */
  next(from: number): number {
    if (this.ended) {
      this.ended = false;
      this.recordBreak = -1;
    }
    const buf = this.buf;
    const len = buf.length;
    const quote = this.quote;
    const delimiter = this.delimiter;
    let state = this.state;
    let i = from;
    while (i < len) {
      if (state === QUOTED) {
        const at = buf.indexOf(quote, i);
        if (!this.fieldSpans && this.firstBreak(i) < (at === -1 ? len : at)) {
          this.fieldSpans = true;
          if (this.recordBreak === -1) this.recordBreak = this.base + this.firstBreak(i);
        }
        if (at === -1) break;
        state = AFTER_QUOTE;
        i = at + 1;
      } else if (state === UNQUOTED) {
        if (this.nextQuote < i) this.nextQuote = indexOrEnd(buf, quote, i);
        const lineBreak = this.firstBreak(i);
        const at = this.nextQuote;
        if (at < lineBreak) {
          // Only a quote right after a delimiter starts a quoted field; at === i
          // means the byte before it was not a delimiter (else state would be
          // FIELD_START).
          if (at > i && buf[at - 1] === delimiter) {
            state = QUOTED;
            this.fieldSpans = false;
          }
          i = at + 1;
        } else if (lineBreak < len) {
          return this.endAt(lineBreak);
        } else {
          // No line break and no quote left in this piece; only whether it
          // ended on a delimiter matters for the next piece.
          state = buf[len - 1] === delimiter ? FIELD_START : UNQUOTED;
          break;
        }
      } else if (state === AFTER_CR) {
        // The record ended with the CR at the end of the last piece.
        return this.recordEnd(buf[i] === LF ? i + 1 : i);
      } else {
        // FIELD_START or AFTER_QUOTE: decide on this single byte.
        const b = buf[i];
        if (b === LF || b === CR) return this.endAt(i);
        if (b === quote) {
          // At a field start it opens a field; after a quote it is an escaped quote.
          if (state === FIELD_START) this.fieldSpans = false;
          state = QUOTED;
        } else if (b === delimiter) {
          state = FIELD_START;
        } else if (state === AFTER_QUOTE && this.fieldSpans) {
          // `"...<line break>..."x`: the quote was never meant to close.
          this.state = FIELD_START;
          this.fieldSpans = false;
          this.ended = true;
          return RESYNC;
        } else {
          state = UNQUOTED;
        }
        i += 1;
      }
    }
    this.state = state;
    return NEED_MORE;
  }

  /** The record ends at the line break at `at` (CRLF: after the LF, maybe in the next piece). */
  private endAt(at: number): number {
    if (this.buf[at] === LF) return this.recordEnd(at + 1);
    if (at + 1 < this.buf.length) return this.recordEnd(this.buf[at + 1] === LF ? at + 2 : at + 1);
    this.state = AFTER_CR;
    return NEED_MORE;
  }

  private recordEnd(end: number): number {
    this.state = FIELD_START;
    this.fieldSpans = false;
    this.ended = true;
    return end;
  }

  private firstBreak(from: number): number {
    if (this.nextLf < from) this.nextLf = indexOrEnd(this.buf, LF, from);
    if (this.nextCr < from) this.nextCr = indexOrEnd(this.buf, CR, from);
    return Math.min(this.nextLf, this.nextCr);
  }

  private clearSearches(): void {
    this.nextLf = -1;
    this.nextCr = -1;
    this.nextQuote = -1;
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
 * one ends at bytes.length. Same boundaries as splitRecords and parseRecords
 * (cuts included), so a worker can cut a chunk into single records (e.g. to
 * find the one that is not valid UTF-8).
 */
export function recordEnds(
  bytes: Uint8Array,
  quote: number = DEFAULT_QUOTE,
  delimiter: number = DEFAULT_DELIMITER,
): number[] {
  const buf = asBuffer(bytes);
  const scanner = new RecordScanner(quote, delimiter);
  scanner.feed(buf, 0);
  const ends: number[] = [];
  let at = 0;
  for (;;) {
    let end = scanner.next(at);
    if (end === NEED_MORE && !scanner.mustCutAtEnd) break;
    if (end < 0) {
      end = pastBreak(scanner.breakInRecord, (i) => buf[i]);
      scanner.restart();
    }
    ends.push(end);
    at = end;
  }
  if (at < buf.length) ends.push(buf.length);
  return ends;
}
