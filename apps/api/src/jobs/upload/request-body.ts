import { createHash } from 'node:crypto';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { Busboy, type BusboyInstance } from '@fastify/busboy';
import type { Request } from 'express';
import { HttpProblem } from '../../http/problem.ts';
import {
  type DecodeLimits,
  decodingStream,
  type RequestCoding,
  requestCoding,
} from './content-encoding.ts';
import type { FileContainer } from './input-file.ts';

export interface UploadLimits extends DecodeLimits {
  /** Most bytes of CSV (decoded, when the body is compressed). */
  maxUploadBytes: number;
  /** Excel workbooks: most bytes of their shared strings (MAX_WORKBOOK_SHARED_STRINGS_BYTES). */
  maxWorkbookSharedStringsBytes: number;
}

/** The uploaded CSV as a byte stream plus whatever form fields came before it. */
export interface CsvUpload {
  bytes: AsyncIterable<Uint8Array>;
  fileName: string | null;
  fields: Record<string, string>;
  /**
   * SHA-256 of the request body exactly as it arrived (before any decoding),
   * once it has all arrived; undefined when the client left before its end,
   * or when it was not asked for (`digest: false`: hashing a large upload
   * costs the event loop, and only an Idempotency-Key needs it).
   * Identifies a request again.
   */
  digest: Promise<Buffer | undefined>;
  /**
   * The container the file came in, unwrapped on the way (input-file.ts):
   * a gzip-compressed file, or an Excel workbook read as CSV.
   */
  container?: FileContainer | undefined;
  /** Workbooks: the sheet that was read. */
  sheet?: string | undefined;
  /**
   * True once the whole request body has come in from the client (it may
   * still be unread in memory): from then on reading it never waits on the
   * client.
   */
  arrived: () => boolean;
}

const CSV_MEDIA_TYPES = new Set([
  'text/csv',
  'application/csv',
  'text/plain',
  'text/tab-separated-values',
  // What browsers on Windows send for .csv files.
  'application/vnd.ms-excel',
  // Files read as CSV (input-file.ts): a .csv.gz, an .xlsx workbook.
  'application/gzip',
  'application/x-gzip',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
]);

function tooLarge(limit: number): HttpProblem {
  return new HttpProblem('payload_too_large', `The upload exceeds the limit of ${limit} bytes.`, {
    extra: { limitBytes: limit },
  });
}

/** Counts bytes as they stream and stops the upload the moment it passes `limit`. */
export async function* limited(
  source: AsyncIterable<Uint8Array>,
  limit: number,
): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const piece of source) {
    total += piece.byteLength;
    if (total > limit) throw tooLarge(limit);
    yield piece;
  }
}

/**
 * Pipes the request body into `into`: the upload never reads the request
 * itself. A refusal can then always take the body back (sendProblem unpipes
 * it and reads the rest to answer), whatever state the upload's readers were
 * left in; a reader attached to the request directly (an async iterator)
 * would keep it from flowing until returned. A request the client abandons
 * before its end fails `into`, so its reader does not wait forever.
 */
function pipeBody(req: Request, into: Writable, digested: boolean): Promise<Buffer | undefined> {
  req.once('close', () => {
    if (!req.complete)
      into.destroy(new Error('The client closed the connection during the upload.'));
  });
  const digest = digested ? digestOf(req) : Promise.resolve(undefined);
  req.pipe(into);
  return digest;
}

/**
 * SHA-256 of a request body as it flows, taken beside whatever reads it
 * (attach it in the same tick as that reader, so both see every piece).
 */
export function digestOf(req: Request): Promise<Buffer | undefined> {
  const hash = createHash('sha256');
  req.on('data', (piece: Buffer) => hash.update(piece));
  return new Promise((resolve) => {
    req.once('end', () => resolve(hash.digest()));
    req.once('close', () => {
      if (!req.complete) resolve(undefined);
    });
  });
}

/**
 * The body as the upload reads it, piped from the request (see pipeBody):
 * decoded on the way when it has a Content-Encoding.
 */
function openBody(
  req: Request,
  coding: RequestCoding | undefined,
  limits: UploadLimits,
  digested: boolean,
): { body: Readable; digest: Promise<Buffer | undefined> } {
  let body: Readable;
  let digest: Promise<Buffer | undefined>;
  if (!coding) {
    body = new PassThrough();
    digest = pipeBody(req, body as PassThrough, digested);
  } else {
    const { input, output } = decodingStream(coding, limits);
    digest = pipeBody(req, input, digested);
    body = output;
  }
  // Its reader learns of a failure by reading (the iterator rethrows it). A
  // body nobody reads, because the request was refused first (a bad option),
  // can still fail (corrupt gzip, the client leaving): without a listener
  // that 'error' would crash the process.
  body.on('error', () => {});
  return { body, digest };
}

/**
 * Opens the CSV in a request without reading it: text/csv bodies stream as-is,
 * multipart/form-data streams its first file part (fields before it are kept as
 * options); either may be compressed (Content-Encoding gzip, deflate, br, zstd).
 * Nothing here buffers the file.
 */
export async function openCsvUpload(
  req: Request,
  limits: UploadLimits,
  options: { digest?: boolean } = {},
): Promise<CsvUpload> {
  const digested = options.digest ?? false;
  const maxBytes = limits.maxUploadBytes;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);

  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const csv = CSV_MEDIA_TYPES.has(mediaType);
  if (!csv && mediaType !== 'multipart/form-data') {
    throw new HttpProblem(
      'unsupported_media_type',
      `Send the CSV as text/csv or as a multipart/form-data file part, not as '${mediaType || 'no content type'}'.`,
    );
  }
  const coding = requestCoding(req);
  if (!csv) return openMultipart(req, coding, limits, digested);
  const fileName = typeof req.query.filename === 'string' ? req.query.filename : null;
  const { body, digest } = openBody(req, coding, limits, digested);
  return {
    bytes: limited(body, maxBytes),
    fileName,
    fields: {},
    digest,
    arrived: () => req.complete,
  };
}

function openMultipart(
  req: Request,
  coding: RequestCoding | undefined,
  limits: UploadLimits,
  digested: boolean,
): Promise<CsvUpload> {
  const maxBytes = limits.maxUploadBytes;
  return new Promise((resolve, reject) => {
    let parser: BusboyInstance;
    try {
      parser = new Busboy({
        // The type wants a content-type header: there is one, the media type
        // was read from it.
        headers: req.headers as typeof req.headers & { 'content-type': string },
        // A part is the file when it has a non-empty file name or an
        // application/octet-stream type (the rule of busboy 1.x, which this
        // parser replaced; its own default also takes an empty file name).
        isPartAFile: (_field, contentType, fileName) =>
          contentType === 'application/octet-stream' || Boolean(fileName),
        limits: { files: 1, fields: 50, fieldSize: 64 * 1024, fileSize: maxBytes, parts: 60 },
      });
    } catch (error) {
      reject(new HttpProblem('malformed_multipart', (error as Error).message));
      return;
    }
    // No prototype: a field named __proto__ is a field like any other.
    const fields: Record<string, string> = Object.create(null);
    let gotFile = false;
    let fileStream: Readable | undefined;
    const { body, digest } = openBody(req, coding, limits, digested);
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (_name, file, filename) => {
      if (gotFile) {
        file.resume();
        return;
      }
      gotFile = true;
      fileStream = file;
      let truncated = false;
      file.on('limit', () => {
        truncated = true;
      });
      resolve({
        bytes: (async function* () {
          for await (const piece of file) yield piece as Uint8Array;
          if (truncated) throw tooLarge(maxBytes);
        })(),
        // An octet-stream part without a file name has none.
        fileName: filename || null,
        fields,
        digest,
        arrived: () => req.complete,
      });
    });
    parser.on('error', (error) => {
      // A problem of the body itself (its compression) keeps its own code.
      const problem =
        error instanceof HttpProblem
          ? error
          : new HttpProblem('malformed_multipart', (error as Error).message);
      if (!gotFile) reject(problem);
      // The file is being read: its reader must learn the body broke off.
      else fileStream?.destroy(problem);
    });
    // 'finish': the whole form has been read (this parser does not destroy
    // itself, so no 'close' follows).
    parser.on('finish', () => {
      if (!gotFile) {
        reject(
          new HttpProblem(
            'missing_file',
            'The multipart body has no file part; send the CSV as a file field (e.g. curl -F file=@data.csv).',
          ),
        );
      }
    });
    body.on('error', (error) => parser.destroy(error));
    body.pipe(parser);
  });
}
