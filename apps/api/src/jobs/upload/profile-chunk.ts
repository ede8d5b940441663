import { eachRecordInBytes, parseRecords } from '@sluice/csv';
import type { ColumnProfiler } from '@sluice/normalize';

/**
 * Feeds a stored chunk's records to the column profiler, reading the chunk
 * as Latin-1 (one character per byte) and decoding as UTF-8 only the fields
 * the profiler reads that hold non-ASCII bytes. Decoding whole chunks made a
 * two-byte string of every 1 MiB chunk holding one non-ASCII name: twice the
 * memory, and most of the upload's garbage collection.
 *
 * The same fields as decoding first: chunks are UTF-8 (openCsvText
 * transcoded them), whose multi-byte sequences are made of bytes >= 0x80
 * only, so the delimiter, quote and line-break bytes the parser looks for
 * are at the same places in either reading, and each field is whole UTF-8
 * sequences. Like TextDecoder.decode, a byte order mark opening the chunk is
 * left out.
 */
export function profileChunk(
  profiler: ColumnProfiler,
  bytes: Buffer,
  options: { delimiter: string; quote?: string | undefined; maxFields: number },
): void {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const whole = profiler.readsFields;
  if (whole !== undefined) {
    evidenceFromBytes(profiler, whole, bom ? bytes.subarray(3) : bytes, options);
    return;
  }
  const text = bytes.toString('latin1', bom ? 3 : 0);
  for (const record of parseRecords(text, { ...options, only: profiler.readsFields })) {
    if (!('fields' in record)) continue;
    const { fields } = record;
    // Only the fields add() reads (it may stop sampling within this chunk).
    const reads = profiler.readsFields;
    if (reads === undefined) for (let i = 0; i < fields.length; i++) asUtf8(fields, i);
    else for (const i of reads) asUtf8(fields, i);
    profiler.add(fields);
  }
}

/** fields[i], read as Latin-1, as the UTF-8 it is when it holds non-ASCII bytes. */
function asUtf8(fields: string[], i: number): void {
  const field = fields[i];
  if (field !== undefined && hasHighByte(field)) {
    fields[i] = Buffer.from(field, 'latin1').toString('utf8');
  }
}

function hasHighByte(latin1: string): boolean {
  for (let i = 0; i < latin1.length; i++) if (latin1.charCodeAt(i) > 0x7f) return true;
  return false;
}

/**
 * After the sample (the profiler reads only its whole-file columns): the
 * records found on the bytes (eachRecordInBytes: the same records and
 * errors as parseRecords), each wanted value handed over as its bytes, a
 * string made only for a quoted value with doubled quotes. Most chunks of
 * an upload come here; nothing is allocated per record or per value.
 */
function evidenceFromBytes(
  profiler: ColumnProfiler,
  reads: readonly number[],
  bytes: Buffer,
  options: { delimiter: string; quote?: string | undefined; maxFields: number },
): void {
  const quote = options.quote ?? '"';
  const parse = {
    delimiter: options.delimiter.charCodeAt(0),
    quote: quote.charCodeAt(0),
    maxFields: options.maxFields,
    only: reads,
  };
  eachRecordInBytes(bytes, parse, (error, fields) => {
    if (error) return;
    for (const i of reads) {
      const end = fields.end[i]!;
      if (end < 0) continue;
      const start = fields.start[i]!;
      if (fields.doubled[i] === 1) {
        // As parseRecords reads it: each doubled quote one quote.
        profiler.addValue(i, bytes.toString('utf8', start, end).replaceAll(quote + quote, quote));
      } else profiler.addFieldBytes(i, bytes, start, end);
    }
  });
}
