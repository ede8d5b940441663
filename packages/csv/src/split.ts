import { CR, DEFAULT_DELIMITER, DEFAULT_QUOTE, LF } from './dialect.ts';
import { CsvInputError } from './errors.ts';
import { withoutBomRejectBlank } from './leading.ts';
import { RecordScanner } from './scanner.ts';

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
}

export type SplitEvent =
  | { kind: 'header'; bytes: Buffer }
  | { kind: 'chunk'; seq: number; bytes: Buffer; firstRecord: number; recordCount: number };

function tooLarge(recordNumber: number, maxRecordBytes: number): CsvInputError {
  return new CsvInputError(
    'record_too_large',
    `Record ${recordNumber} is larger than ${maxRecordBytes} bytes (often a quote that is never closed).`,
    recordNumber,
  );
}

function checkSize(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
}

/** The header record without its LF or CRLF terminator. */
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

  // Copied bytes since the last emitted event: whole records, then the start
  // of the record being scanned.
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let recordNumber = 1; // the record being scanned
  let carried = 0; // bytes of that record in earlier pieces
  let headerSent = false;
  let seq = 0;
  let chunkRecords = 0;

  /** Everything held plus piece[from, to), as one new buffer; resets `pending`. */
  const take = (piece: Buffer, from: number, to: number): Buffer => {
    const bytes = Buffer.concat([...pending, piece.subarray(from, to)]);
    pending = [];
    pendingBytes = 0;
    return bytes;
  };
  const chunk = (bytes: Buffer): SplitEvent => {
    const event: SplitEvent = {
      kind: 'chunk',
      seq,
      bytes,
      firstRecord: recordNumber - chunkRecords,
      recordCount: chunkRecords,
    };
    seq += 1;
    chunkRecords = 0;
    return event;
  };

  for await (const piece of withoutBomRejectBlank(source, maxRecordBytes)) {
    scanner.feed(piece);
    let recordStart = 0; // where the current record starts in this piece
    let keepFrom = 0; // first byte of this piece not yet emitted or held
    for (let end = scanner.next(0); end !== -1; end = scanner.next(end)) {
      if (carried + end - recordStart > maxRecordBytes) {
        throw tooLarge(recordNumber, maxRecordBytes);
      }
      carried = 0;
      recordStart = end;
      recordNumber += 1;
      if (!headerSent) {
        headerSent = true;
        const header = withoutTerminator(take(piece, keepFrom, end));
        keepFrom = end;
        yield { kind: 'header', bytes: header };
        continue;
      }
      chunkRecords += 1;
      if (pendingBytes + end - keepFrom >= chunkBytes) {
        const bytes = take(piece, keepFrom, end);
        keepFrom = end;
        yield chunk(bytes);
      }
    }
    // The piece ended inside a record: fail as soon as that record is too big,
    // without reading further (an unclosed quote would swallow the whole file).
    carried += piece.length - recordStart;
    if (carried > maxRecordBytes) throw tooLarge(recordNumber, maxRecordBytes);
    if (keepFrom < piece.length) {
      pending.push(Buffer.from(piece.subarray(keepFrom)));
      pendingBytes += piece.length - keepFrom;
    }
  }

  // A last record without a final LF (possibly an unclosed quote: the parser
  // reports that one as a per-record error).
  if (carried > 0) {
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
  if (chunkRecords > 0) yield chunk(rest);
}
