import { CR, DEFAULT_DELIMITER, DEFAULT_QUOTE, LF, pastBreak } from './dialect.ts';
import { CsvInputError } from './errors.ts';
import { withoutBomRejectBlank } from './leading.ts';
import { NEED_MORE, RecordScanner } from './scanner.ts';

export interface SplitOptions {
  /** A chunk is emitted at the first record boundary at or past this size. */
  chunkBytes: number;
  /** Largest record accepted, in bytes including its line terminator. */
  maxRecordBytes: number;
  /** Quote byte, default 0x22 ("). */
  quote?: number;
  /**
   * Delimiter byte, default 0x2c (,). Needed because a quote opens a quoted
   * field only at a field start; must match the delimiter given to parseRecords.
   */
  delimiter?: number;
  /**
   * Records before the header to drop (title lines above it): they are not
   * emitted but keep their numbers, so the header is record
   * `skipRecords + 1` and every record keeps its line in the file.
   */
  skipRecords?: number;
  /** The file has no header: no header event, the first record is data (record 1). */
  headerless?: boolean;
}

export type SplitEvent =
  | { kind: 'header'; bytes: Buffer }
  | {
      kind: 'chunk';
      seq: number;
      bytes: Buffer;
      firstRecord: number;
      recordCount: number;
      /**
       * True for the chunk cut at the end of the input (the source has
       * ended: nothing follows it). A chunk cut at the size limit is not
       * last even when the input happens to end right after it.
       */
      last: boolean;
    };

function tooLarge(recordNumber: number, maxRecordBytes: number): CsvInputError {
  return new CsvInputError(
    'record_too_large',
    `Record ${recordNumber} is larger than ${maxRecordBytes} bytes.`,
    recordNumber,
  );
}

function checkSize(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
}

/** The header record without its line terminator (LF, CR or CRLF). */
function withoutTerminator(record: Buffer): Buffer {
  let end = record.length;
  if (end > 0 && record[end - 1] === LF) end -= 1;
  if (end > 0 && record[end - 1] === CR) end -= 1;
  return record.subarray(0, end);
}

/**
 * Splits a CSV byte stream into the header record and chunks of whole records,
 * reading the source one piece at a time. Holds at most one chunk plus one
 * record (the pieces since the last cut, copied because the source may reuse
 * its buffers), so a 1 GB upload needs about chunkBytes + maxRecordBytes.
 *
 * Records are numbered from 1 (the header) so chunk numbering equals what a
 * worker's parseRecords will count: blank lines and bad records count too.
 * A record cut at a line break inside a quoted field (dialect.ts) is followed
 * by the bytes after the cut scanned again as new records; because of the
 * byte limit, that re-reads at most maxRecordBytes (held anyway).
 */
export async function* splitRecords(
  source: AsyncIterable<Uint8Array>,
  options: SplitOptions,
): AsyncGenerator<SplitEvent> {
  const { chunkBytes, maxRecordBytes } = options;
  checkSize('chunkBytes', chunkBytes);
  checkSize('maxRecordBytes', maxRecordBytes);
  const scanner = new RecordScanner(
    options.quote ?? DEFAULT_QUOTE,
    options.delimiter ?? DEFAULT_DELIMITER,
  );

  // Offsets are absolute (bytes since the start of the stream, after the BOM).
  // `pending` holds copies of [heldStart, start of the piece being scanned):
  // bytes not yet emitted, i.e. whole records of the next chunk and then the
  // start of the record being scanned.
  let pending: Buffer[] = [];
  let heldStart = 0;
  let recordStart = 0; // the record being scanned
  let recordNumber = 1; // its number (the header is 1)
  let headerSent = options.headerless === true;
  let toSkip = options.skipRecords ?? 0;
  let seq = 0;
  let chunkRecords = 0;

  /** Bytes [heldStart, end) as one new buffer: `pending` plus `piece` up to `end`. */
  const take = (end: number, piece: Buffer | undefined, base: number): Buffer => {
    const parts = pending;
    if (piece && end > base) parts.push(piece.subarray(Math.max(heldStart - base, 0), end - base));
    const bytes = Buffer.concat(parts);
    pending = [];
    heldStart = end;
    return bytes;
  };

  /** One byte by absolute offset, from `pending` or `piece`; undefined if not read yet. */
  const byteAt = (at: number, piece: Buffer | undefined, base: number): number | undefined => {
    if (at >= base) return piece?.[at - base];
    let offset = heldStart;
    for (const part of pending) {
      if (at < offset + part.length) return part[at - offset];
      offset += part.length;
    }
    return undefined;
  };

  /**
   * `pending` keeps [heldStart, cut); returns a copy of what it held past `cut`
   * (to be scanned again as new records).
   */
  const holdUntil = (cut: number): Buffer => {
    const all = Buffer.concat(pending);
    pending = [all.subarray(0, cut - heldStart)];
    return all.subarray(cut - heldStart);
  };

  /**
   * The record being scanned ends at `end` (absolute): the header, or a chunk
   * when one is due (a plain function, not a generator: it runs per record).
   */
  const recordEnd = (
    end: number,
    piece: Buffer | undefined,
    base: number,
    cutChunk: boolean,
  ): SplitEvent | undefined => {
    recordNumber += 1;
    recordStart = end;
    if (toSkip > 0) {
      toSkip -= 1;
      take(end, piece, base);
      return undefined;
    }
    if (!headerSent) {
      headerSent = true;
      return { kind: 'header', bytes: withoutTerminator(take(end, piece, base)) };
    }
    chunkRecords += 1;
    if (!cutChunk && end - heldStart < chunkBytes) return undefined;
    const event: SplitEvent = {
      kind: 'chunk',
      seq,
      bytes: take(end, piece, base),
      firstRecord: recordNumber - chunkRecords,
      recordCount: chunkRecords,
      last: false,
    };
    seq += 1;
    chunkRecords = 0;
    return event;
  };

  /**
   * Where the record being scanned is cut at its first quoted line break, or
   * undefined while that cannot be told yet (a CR that is the last byte read).
   * Throws record_too_large when even the cut record would be over the limit.
   */
  const cutPoint = (
    piece: Buffer | undefined,
    base: number,
    atEnd: boolean,
  ): number | undefined => {
    const lineBreak = scanner.breakInRecord;
    if (lineBreak === -1 || lineBreak + 1 - recordStart > maxRecordBytes) {
      throw tooLarge(recordNumber, maxRecordBytes);
    }
    const breakByte = byteAt(lineBreak, piece, base);
    const next = byteAt(lineBreak + 1, piece, base);
    if (next === undefined && !atEnd && breakByte === CR) return undefined;
    const cut = pastBreak(lineBreak, (at) => (at === lineBreak ? breakByte : next));
    if (cut - recordStart > maxRecordBytes) throw tooLarge(recordNumber, maxRecordBytes);
    return cut;
  };

  /**
   * Scans one piece starting at absolute offset `base`. Returns the bytes to
   * scan again first when a record was cut at a break in an earlier piece
   * (this piece is then scanned again after them).
   */
  function* scan(piece: Buffer, base: number): Generator<SplitEvent, Buffer | undefined> {
    scanner.feed(piece, base);
    const scanned = base + piece.length;
    let from = 0;
    for (;;) {
      const next = scanner.next(from);
      let cut: number | undefined;
      let cutChunk = false;
      if (next === NEED_MORE) {
        // The piece ended inside a record: decide as soon as it is too big,
        // without reading further (an unclosed quote must not swallow the file).
        if (scanned - recordStart <= maxRecordBytes) break;
        cut = cutPoint(piece, base, false);
        if (cut === undefined) break;
        cutChunk = true;
      } else if (next >= 0) {
        const end = base + next;
        if (end - recordStart <= maxRecordBytes) {
          const event = recordEnd(end, piece, base, false);
          if (event) yield event;
          from = next;
          continue;
        }
        cut = cutPoint(piece, base, false)!;
        cutChunk = true;
      } else {
        cut = cutPoint(piece, base, false)!;
      }
      // Cut at a quoted line break: the parser, seeing no acceptable closing
      // quote, cuts the same record. A cut for size also ends the chunk, so the
      // parser cannot see a closing quote the splitter decided not to wait for.
      scanner.restart();
      if (cut >= base) {
        const event = recordEnd(cut, piece, base, cutChunk);
        if (event) yield event;
        from = cut - base;
        continue;
      }
      const again = holdUntil(cut);
      const event = recordEnd(cut, undefined, base, cutChunk);
      if (event) yield event;
      return again;
    }
    if (heldStart < scanned)
      pending.push(Buffer.from(piece.subarray(Math.max(heldStart - base, 0))));
    return undefined;
  }

  /** Scans `piece`, and whatever a cut gives back to scan again, in stream order. */
  function* scanAll(piece: Buffer, base: number): Generator<SplitEvent> {
    const queue: [Buffer, number][] = [[piece, base]];
    while (queue.length > 0) {
      const [bytes, at] = queue.shift()!;
      const again = yield* scan(bytes, at);
      if (again) queue.unshift([again, at - again.length], [bytes, at]);
    }
  }

  let streamEnd = 0;
  for await (const piece of withoutBomRejectBlank(source, maxRecordBytes)) {
    const base = streamEnd;
    streamEnd += piece.length;
    yield* scanAll(piece, base);
  }

  // End of input inside a quoted field that spans lines: cut it, scan the rest.
  while (scanner.mustCutAtEnd) {
    const cut = cutPoint(undefined, streamEnd, true)!;
    scanner.restart();
    const again = holdUntil(cut);
    const event = recordEnd(cut, undefined, streamEnd, false);
    if (event) yield event;
    yield* scanAll(again, cut);
  }

  // A last record without a line terminator (possibly an unclosed quote on its
  // own line: the parser reports that one as a per-record error).
  if (recordStart < streamEnd) {
    recordNumber += 1;
    if (headerSent) chunkRecords += 1;
  }
  const rest = Buffer.concat(pending);
  pending = [];
  if (!headerSent) {
    // Unreachable with withoutBomRejectBlank in front, kept as a guard.
    if (rest.length === 0) throw new CsvInputError('empty_file', 'The file is empty.');
    yield { kind: 'header', bytes: withoutTerminator(rest) };
    return;
  }
  if (chunkRecords > 0) {
    yield {
      kind: 'chunk',
      seq,
      bytes: rest,
      firstRecord: recordNumber - chunkRecords,
      recordCount: chunkRecords,
      last: true,
    };
  }
}
