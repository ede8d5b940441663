import { parseRecords } from '@sluice/csv';
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
