import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { peek } from '@sluice/csv';
import { HttpProblem } from '../../http/problem.ts';
import { decodingStream } from './content-encoding.ts';
import { type CsvUpload, limited, type UploadLimits } from './request-body.ts';
import { isZip, readWorkbookAsCsv } from './workbook/read-workbook.ts';

/** A file that is not CSV text itself but is read as CSV: what it came in. */
export type FileContainer = 'gzip' | 'xlsx';

/** gzip's magic bytes and its only compression method (deflate), RFC 1952. */
const isGzip = (head: Uint8Array) => head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08;

/**
 * The uploaded file as CSV bytes, whatever it came as: a gzip-compressed
 * file (`.csv.gz`, recognized by its magic bytes, not its name) is
 * decompressed as it streams, under the same expansion cap as a
 * Content-Encoding (MAX_DECOMPRESSION_RATIO) and with its decompressed size
 * counted against MAX_UPLOAD_BYTES; an Excel workbook (.xlsx: a ZIP archive
 * sent without a name or with a workbook's) is read row by row and written
 * out as CSV (workbook/read-workbook.ts), the CSV counted against
 * MAX_UPLOAD_BYTES. Anything else passes as it is (a ZIP archive named
 * otherwise is then refused as not_csv). Decided on the first bytes, so
 * nothing is buffered.
 */
export async function openInputFile(
  upload: CsvUpload,
  options: { sheet?: string | undefined },
  limits: UploadLimits,
): Promise<CsvUpload> {
  const { sample, stream } = await peek(upload.bytes, 4);
  if (isGzip(sample)) {
    return {
      ...upload,
      bytes: limited(gunzipped(stream, limits), limits.maxUploadBytes),
      container: 'gzip',
    };
  }
  // A ZIP archive is read as a workbook unless its name says it is something else.
  if (isZip(sample) && (upload.fileName === null || /\.xls[xm]$/i.test(upload.fileName.trim()))) {
    let sheet = options.sheet;
    const csv = readWorkbookAsCsv(stream, {
      sheet,
      limits,
      onSheet: (name) => {
        sheet = name;
      },
    });
    return {
      ...upload,
      bytes: limited(csv, limits.maxUploadBytes),
      container: 'xlsx',
      // The sheet read, once known (the first one's name when none was asked for).
      get sheet() {
        return sheet;
      },
    };
  }
  if (options.sheet !== undefined) {
    await stream[Symbol.asyncIterator]().return?.();
    throw new HttpProblem(
      'invalid_option',
      'sheet is only for Excel workbooks (.xlsx); this file is not one.',
    );
  }
  return { ...upload, bytes: stream };
}

/** `source` gunzipped as it streams (decodingStream: ratio cap, corrupt data as a 400). */
async function* gunzipped(
  source: AsyncIterable<Uint8Array>,
  limits: UploadLimits,
): AsyncGenerator<Uint8Array> {
  const { input, output } = decodingStream(
    { coding: 'gzip', createDecoder: createGunzip },
    limits,
    'file',
  );
  const feeder = Readable.from(source, { objectMode: false });
  // The upload's own failures (too large, the client gone) end the reading too.
  feeder.on('error', (error) => output.destroy(error));
  // Abandoned (a refusal, a consumer's break): the upload is closed with it.
  output.on('close', () => feeder.destroy());
  feeder.pipe(input);
  for await (const piece of output) yield piece as Uint8Array;
}
