import { request } from 'node:http';
import { expect } from 'vitest';
import { authHeader } from './api-keys.ts';

export interface JobBody {
  id: string;
  status: string;
  fileName: string | null;
  progress: { chunksTotal: number; chunksDone: number; percent: number };
  counts: {
    rowsTotal: number;
    rowsAccepted: number;
    rowsRejected: number;
    rowsBlank: number;
    errors: number;
    /** Rows in errors.csv: at most MAX_ERROR_ROWS_PER_JOB. */
    errorsStored: number;
    errorsTruncated: boolean;
    bytes: number;
  };
  columns: Array<{ name: string; type: string }>;
  links: { self: string; result: string; errors: string };
  error: string | null;
  errorCode: string | null;
}

/** POSTs a CSV from a byte stream (streamed, never assembled in memory). */
export function postStream(
  url: string,
  body: AsyncIterable<Uint8Array>,
  headers: Record<string, string>,
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { ...authHeader(url), ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    (async () => {
      for await (const piece of body) {
        if (!req.write(piece)) await new Promise((r) => req.once('drain', r));
      }
      req.end();
    })().catch((e) => req.destroy(e));
  });
}

export async function submitCsv(
  apiUrl: string,
  csv: string | Buffer,
  query = '',
): Promise<JobBody> {
  const res = await fetch(`${apiUrl}/v1/jobs${query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: csv,
  });
  const body = await res.text();
  expect(res.status, body).toBe(202);
  return JSON.parse(body) as JobBody;
}

/** Polls a job until it is completed or failed. */
export async function waitForJob(
  apiUrl: string,
  id: string,
  timeoutMs = 120_000,
): Promise<JobBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${apiUrl}/v1/jobs/${id}`);
    expect(res.status).toBe(200);
    const job = (await res.json()) as JobBody;
    if (job.status === 'completed' || job.status === 'failed') return job;
    if (Date.now() > deadline)
      throw new Error(
        `job ${id} still ${job.status} after ${timeoutMs} ms: ${JSON.stringify(job)}`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function getText(
  url: string,
): Promise<{ status: number; type: string | null; body: string }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

/** A request to the API at `baseUrl`: its status, raw text and, when the answer is JSON, its parsed body. */
export async function apiRequest(baseUrl: string, path: string, init?: RequestInit) {
  const res = await fetch(`${baseUrl}${path}`, init);
  const text = await res.text();
  const json = res.headers.get('content-type')?.includes('json');
  // biome-ignore lint/suspicious/noExplicitAny: the tests read whatever shape the route answers
  const body: any = text && json ? JSON.parse(text) : undefined;
  return { status: res.status, text, body };
}

/** apiRequest as a POST, with a JSON body when one is given. */
export const apiPost = (baseUrl: string, path: string, body?: unknown) =>
  apiRequest(baseUrl, path, {
    method: 'POST',
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
