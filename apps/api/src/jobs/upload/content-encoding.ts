import { Transform, type TransformCallback } from 'node:stream';
import {
  createBrotliDecompress,
  createGunzip,
  createInflate,
  createZstdDecompress,
} from 'node:zlib';
import type { Request } from 'express';
import { HttpProblem } from '../../http/problem.ts';

type Decompressor = ReturnType<
  typeof createGunzip | typeof createBrotliDecompress | typeof createZstdDecompress
>;

/** A request body's one content coding (lower case) and how to decode it. */
export interface RequestCoding {
  coding: string;
  createDecoder: () => Decompressor;
}

/** The Content-Encodings an upload may be sent in, and their decoders. */
const DECODERS: Record<string, () => Decompressor> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  // HTTP's "deflate" is the zlib format (RFC 9110 8.4.1.2).
  deflate: createInflate,
  br: createBrotliDecompress,
  zstd: createZstdDecompress,
};

const SUPPORTED = ['gzip', 'deflate', 'br', 'zstd'];

/**
 * Amplification below this many decoded bytes is harmless; above it, the
 * ratio of decoded to received bytes is capped.
 */
const RATIO_FLOOR_BYTES = 1024 * 1024;

export interface DecodeLimits {
  /** Most decoded bytes per received (compressed) byte; see MAX_DECOMPRESSION_RATIO. */
  maxDecompressionRatio: number;
}

/**
 * The request's Content-Encoding, checked before any byte is read:
 * undefined for none (or `identity`), else the one decoder for it. Anything
 * else, several encodings stacked included, is 415 unsupported_compression.
 */
export function requestCoding(req: Request): RequestCoding | undefined {
  const codings = (req.headers['content-encoding'] ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0) return undefined;
  const coding = codings.length === 1 ? codings[0]! : '';
  const createDecoder = DECODERS[coding];
  if (createDecoder) return { coding, createDecoder };
  throw new HttpProblem(
    'unsupported_compression',
    `Send the upload uncompressed or with one Content-Encoding of ${SUPPORTED.join(', ')}, not '${codings.join(', ')}'.`,
    { extra: { supported: SUPPORTED } },
  );
}

/**
 * Decodes a compressed upload as it streams. The decoded size counts against
 * MAX_UPLOAD_BYTES where the upload is read (as for an uncompressed one);
 * this stream also stops a body that expands more than
 * `maxDecompressionRatio` times (a zip bomb: 1 MB of gzip can decode to 1 GB)
 * once past RATIO_FLOOR_BYTES, and turns corrupt data into a 400.
 */
export function decodingStream(
  { coding, createDecoder }: RequestCoding,
  limits: DecodeLimits,
  /** What is decoded, for the messages: the request body, or a compressed file in it. */
  what: 'body' | 'file' = 'body',
) {
  const decoder = createDecoder();
  let decoded = 0;
  const guard = new Transform({
    transform(piece: Buffer, _encoding, callback: TransformCallback) {
      decoded += piece.byteLength;
      const received = Math.max(decoder.bytesWritten, 1);
      if (decoded > RATIO_FLOOR_BYTES && decoded / received > limits.maxDecompressionRatio) {
        callback(
          new HttpProblem(
            'excessive_compression',
            `The compressed ${what === 'body' ? 'upload' : 'file'} expands more than ${limits.maxDecompressionRatio} times; send it uncompressed.`,
            { extra: { maxRatio: limits.maxDecompressionRatio } },
          ),
        );
        return;
      }
      callback(null, piece);
    },
  });
  decoder.on('error', (error: NodeJS.ErrnoException) => {
    // zlib's own errors (numeric errno) are about the data; anything else
    // (the client went away) passes as it is.
    guard.destroy(
      typeof error.errno === 'number'
        ? new HttpProblem(
            'malformed_compression',
            what === 'body'
              ? `The body is not valid ${coding} data (${error.message}); check how it was compressed.`
              : `The file starts like ${coding} data but is not valid ${coding} (${error.message}); it is corrupt or cut short: compress it again.`,
          )
        : error,
    );
  });
  // A guard that fails (ratio) or is abandoned stops the decoder too.
  guard.on('close', () => decoder.destroy());
  decoder.pipe(guard);
  return { input: decoder, output: guard };
}
