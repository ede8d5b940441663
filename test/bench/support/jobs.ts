/** HTTP helpers for benchmark scenarios: submit a CSV, wait for its job, datasets. */
import { createReadStream } from 'node:fs';
import { postStream } from '../../support/client.ts';

/** The parts of GET /v1/jobs/{id} the benchmarks read. */
export interface JobStatus {
  id: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  startedAt: string | null;
  finishedAt: string | null;
  progress: { chunksTotal: number; chunksDone: number };
  counts: { bytes: number; rowsTotal: number; rowsAccepted: number; rowsRejected: number };
  import?: {
    rowsInserted: number;
    rowsUpdated: number;
    rowsUnchanged: number;
    rowsDuplicate: number;
  };
  error: string | null;
}

export interface Submitted {
  id: string;
  /** Client-side: POST started (performance.now() ms). */
  startedMs: number;
  /** Seconds until the 202 (upload streamed, stored, enqueued). */
  uploadSeconds: number;
}

/** POSTs a CSV (streamed from `body`) to /v1/jobs and returns once it is accepted. */
export async function submitCsv(
  apiUrl: string,
  body: AsyncIterable<Uint8Array>,
  query = '',
): Promise<Submitted> {
  const startedMs = performance.now();
  const res = await postStream(`${apiUrl}/v1/jobs${query}`, body, { 'content-type': 'text/csv' });
  if (res.status !== 202) throw new Error(`upload refused: ${res.status} ${res.body}`);
  const { id } = JSON.parse(res.body) as { id: string };
  return { id, startedMs, uploadSeconds: (performance.now() - startedMs) / 1000 };
}

export const submitFile = (apiUrl: string, path: string, query = '') =>
  submitCsv(apiUrl, createReadStream(path, { highWaterMark: 256 * 1024 }), query);

/** Polls until the job completed; a failed job (or 30 min) throws. */
export async function waitForJob(
  apiUrl: string,
  id: string,
  { intervalMs = 250, timeoutMs = 30 * 60_000 } = {},
): Promise<JobStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${apiUrl}/v1/jobs/${id}`);
    if (!res.ok) throw new Error(`GET job ${id}: ${res.status} ${await res.text()}`);
    const job = (await res.json()) as JobStatus;
    if (job.status === 'completed') return job;
    if (job.status === 'failed') throw new Error(`job ${id} failed: ${job.error}`);
    if (Date.now() > deadline)
      throw new Error(`job ${id} still ${job.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Seconds between the job's first chunk claim and its completion (server clock). */
export function processingSeconds(job: JobStatus): number {
  return (Date.parse(job.finishedAt!) - Date.parse(job.startedAt!)) / 1000;
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export async function createDataset(apiUrl: string, declaration: unknown): Promise<void> {
  const res = await fetch(`${apiUrl}/v1/datasets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(declaration),
  });
  if (res.status !== 201) throw new Error(`POST /v1/datasets: ${res.status} ${await res.text()}`);
}
