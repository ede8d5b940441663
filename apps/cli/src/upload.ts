import { randomUUID } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { type JobBody, jobSchema } from '@sluice/contract';
import { type ApiClient, parseAnswer } from './api-client.ts';
import {
  ANSWER_RETRIES,
  isRetryableAnswer,
  NETWORK_TRIES,
  problemError,
  retryAfterMs,
  sleep,
  unreachableError,
} from './problems.ts';

export interface UploadOptions {
  file: string;
  /** POST /v1/jobs' query: filename and the job's options. */
  query: Record<string, string | undefined>;
  /** Bytes sent so far of this try (starts at 0 again on a retry). */
  onBytes: (sent: number) => void;
  signal: AbortSignal;
  /** The API asked to wait (429, 503) before the file is sent again. */
  onWait: (ms: number, why: string) => void;
}

/**
 * POST /v1/jobs with the file as a text/csv body, streamed from disk: read
 * as fast as the socket takes it, through a few reused buffers, never held
 * whole, so the CLI's memory stays flat whatever the file's size. One Idempotency-Key for
 * every try: after a lost connection the file is sent again and the API
 * answers with the job the first try made, if it made one. An abort
 * destroys the request: the API never accepts a job whose body did not
 * arrive whole.
 */
export async function uploadFile(client: ApiClient, options: UploadOptions): Promise<JobBody> {
  const url = client.url('/v1/jobs', options.query);
  const idempotencyKey = randomUUID();
  let networkTries = 0;
  let answerRetries = 0;
  for (;;) {
    let answer: { status: number; text: string; retryAfter: string | null };
    try {
      answer = await sendOnce(url, client, idempotencyKey, options);
    } catch (error) {
      if (options.signal.aborted) throw options.signal.reason;
      if (++networkTries >= NETWORK_TRIES) throw unreachableError(client.config.url, error);
      await sleep(500 * networkTries, options.signal);
      continue;
    }
    if (answer.status === 202) {
      return parseAnswer(jobSchema, JSON.parse(answer.text), 'POST /v1/jobs');
    }
    if (isRetryableAnswer(answer.status, answer.text) && ++answerRetries <= ANSWER_RETRIES) {
      const ms = retryAfterMs(answer.retryAfter, 1000);
      const problem = problemError(answer.status, answer.text, client.config.sources.apiKey);
      options.onWait(ms, `${problem.message}${problem.code ? ` (${problem.code})` : ''}`);
      await sleep(ms, options.signal);
      continue;
    }
    throw problemError(answer.status, answer.text, client.config.sources.apiKey);
  }
}

/** Buffers of the upload, reused: the bytes in flight never exceed POOL x PIECE. */
const POOL = 4;
const PIECE = 64 * 1024;

async function sendOnce(
  url: string,
  client: ApiClient,
  idempotencyKey: string,
  options: UploadOptions,
): Promise<{ status: number; text: string; retryAfter: string | null }> {
  const file = await open(options.file);
  try {
    const size = (await file.stat()).size;
    return await new Promise((resolve, reject) => {
      const request = url.startsWith('https:') ? httpsRequest : httpRequest;
      const req = request(url, {
        method: 'POST',
        headers: {
          ...client.authHeaders(),
          'content-type': 'text/csv',
          'content-length': String(size),
          accept: 'application/json',
          'idempotency-key': idempotencyKey,
        },
        signal: options.signal,
      });
      let answered = false;
      let failed = false;
      req.on('response', (res: IncomingMessage) => {
        answered = true;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (piece: string) => {
          // An answer is small JSON; cap what a misbehaving server can make us hold.
          if (text.length < 1_000_000) text += piece;
        });
        res.on('end', () => {
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            text,
            retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
          });
        });
        res.on('error', reject);
      });
      req.on('error', (error) => {
        failed = true;
        if (!answered) reject(error);
      });
      // The API may answer before the body is complete (a refusal): the
      // answer wins, the rest of the file is not needed.
      sendBody(file, size, req, options.onBytes, () => answered || failed).catch((error) => {
        req.destroy(error);
      });
    });
  } finally {
    await file.close();
  }
}

/**
 * The file into the request through a few reused buffers: a buffer is read
 * into again only once the socket has taken it (write callback), so memory
 * stays the same for any file size, without waiting on the garbage collector.
 */
async function sendBody(
  file: FileHandle,
  size: number,
  req: ClientRequest,
  onBytes: (sent: number) => void,
  stopped: () => boolean,
): Promise<void> {
  const free = Array.from({ length: POOL }, () => Buffer.allocUnsafeSlow(PIECE));
  let wake: (() => void) | undefined;
  let sent = 0;
  while (sent < size && !stopped()) {
    while (free.length === 0) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      if (stopped()) return;
    }
    const buffer = free.pop()!;
    const { bytesRead } = await file.read(buffer, 0, Math.min(PIECE, size - sent), sent);
    if (bytesRead === 0) break; // The file shrank: the API will see fewer bytes than announced.
    sent += bytesRead;
    req.write(buffer.subarray(0, bytesRead), () => {
      free.push(buffer);
      wake?.();
      wake = undefined;
    });
    onBytes(sent);
  }
  if (!stopped()) req.end();
}
