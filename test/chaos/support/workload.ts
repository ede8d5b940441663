import { createHash } from 'node:crypto';
import pg from 'pg';
import { expect } from 'vitest';
import type { JobBody } from '../../support/client.ts';

/**
 * What a chaos scenario runs while it breaks things: one kind of job, the
 * same generated file every time. A workload submits a run, waits for it to
 * finish, checks PostgreSQL's own bookkeeping, and reduces the run to an
 * outcome (counts and content checksums) that must equal the outcome of an
 * undisturbed reference run of the same file: 0 rows lost, 0 duplicated.
 */
export interface Workload<Outcome = unknown> {
  readonly kind: string;
  /** Submits run `name` (a fresh dataset where the kind needs one); the job id once accepted. */
  submit(name: string): Promise<string>;
  /** Waits until the job is final, checks it completed and the chunk invariants; its outcome. */
  settle(name: string, jobId: string): Promise<Outcome>;
  /** Sanity checks of the undisturbed reference against the file itself. */
  checkReference(reference: Outcome): void;
  /** The run under chaos produced exactly what the reference run did. */
  expectSame(actual: Outcome, reference: Outcome): void;
}

export interface WorkloadContext {
  apiUrl: string;
  /** The chaos stack's own PostgreSQL (for invariants and dataset checksums). */
  databaseUrl: string;
  /** Data rows in the generated contacts file. */
  rows: number;
  /** Seed of the generated file (not of the chaos). */
  fileSeed: number;
}

/**
 * Polls a job until it is final. Unlike the e2e helper it rides out the
 * outages chaos causes: a 503 (database or queue down) or a refused
 * connection just means "ask again".
 */
export async function waitForFinalJob(
  apiUrl: string,
  id: string,
  timeoutMs = 300_000,
): Promise<JobBody> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${apiUrl}/v1/jobs/${id}`);
      const text = await res.text();
      last = `${res.status} ${text.slice(0, 300)}`;
      if (res.status === 200) {
        const job = JSON.parse(text) as JobBody;
        if (job.status !== 'queued' && job.status !== 'running') return job;
      } else if (res.status !== 503) {
        throw new Error(`GET job ${id}: ${last}`);
      }
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('GET job')) throw error;
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`job ${id} not final after ${timeoutMs} ms; last answer: ${last}`);
}

/** A finished job's download: its CSV records (header included) and sha256 of the bytes as served. */
export interface FileDigest {
  records: number;
  sha256: string;
}

export async function digest(url: string): Promise<FileDigest> {
  const res = await fetch(url);
  expect(res.status, url).toBe(200);
  const bytes = Buffer.from(await res.arrayBuffer());
  // Record ends: line feeds outside quotes ("" inside a field toggles twice).
  let records = 0;
  let quoted = false;
  for (const byte of bytes) {
    if (byte === 0x22) quoted = !quoted;
    else if (byte === 0x0a && !quoted) records += 1;
  }
  return { records, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * PostgreSQL's view of a finished job, whatever its kind: every chunk done,
 * the chunks' records add up to the job's rows, and the row errors were
 * written once (as many job_row_errors as the chunks counted, or as the
 * job's error-row budget took when its report was cut).
 */
export async function expectChunkInvariants(
  client: pg.Client,
  job: JobBody,
): Promise<{ chunks: number }> {
  const { rows } = await client.query<{
    total: number;
    done: number;
    records: number;
    errors: number;
    written: number;
  }>(
    `select count(*)::int as total,
            count(*) filter (where status = 'done')::int as done,
            sum(record_count)::int as records,
            sum(errors_total)::int as errors,
            (select count(*)::int from job_row_errors e where e.job_id = $1) as written
     from job_chunks where job_id = $1`,
    [job.id],
  );
  const c = rows[0]!;
  expect(c.total, 'chunks').toBe(job.progress.chunksTotal);
  expect(c.done, 'chunks done').toBe(c.total);
  expect(c.records, 'records in chunks').toBe(job.counts.rowsTotal);
  // Stored once: all of them, or (cut at MAX_ERROR_ROWS_PER_JOB) exactly the
  // budget the commits took, none leaked by retried or repeated commits.
  expect(c.written, 'row errors written vs stored budget').toBe(job.counts.errorsStored);
  if (!job.counts.errorsTruncated)
    expect(c.written, 'row errors written vs counted').toBe(c.errors);
  else expect(c.written, 'row errors written (cut) vs counted').toBeLessThan(c.errors);
  expect(c.errors, 'row errors counted vs job').toBe(job.counts.errors);
  return { chunks: c.total };
}

/** Runs `fn` with a client of the chaos PostgreSQL, closed afterwards. */
export async function withClient<T>(
  databaseUrl: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
