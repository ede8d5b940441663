import pg from 'pg';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { type JobBody, postStream, waitForJob } from '../support/client.ts';
import { generateContactsCsv } from '../support/generate-contacts.ts';
import { type Stack, startStack } from '../support/stack.ts';

// Two worker processes of one thread each, with the default chunk
// concurrency, on one job: a worker takes a chunk only when its thread is
// free for it, so neither hoards chunks the other could run, and both take
// part. Who claimed and committed each chunk, and when, is in job_chunks.
// How many each ends up with follows how fast each one runs, i.e. how the
// machine schedules them (18 | 10 under a loaded CI run, 14 | 14 on a quiet
// one): that even share on equal workers is a figure of `pnpm bench
// scale-out`, not an assertion here. The job's flow alone: chunk jobs
// enqueued during the upload (UPLOAD_EARLY_PROCESSING, tested in
// early-processing*.test.ts) would add claims of their own.

let stack: Stack;
let db: pg.Client;

beforeAll(async () => {
  stack = await startStack({
    queuePrefix: '{e2e-spread}',
    workers: 2,
    env: { CHUNK_BYTES: '256KB', UPLOAD_EARLY_PROCESSING: 'false' },
    workerEnv: { WORKER_THREADS: '1' },
  });
  db = new pg.Client({ connectionString: inject('databaseUrl') });
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  const codes = await stack?.stop();
  expect(codes).toEqual([0, 0, 0]);
});

interface ChunkRecord {
  seq: number;
  attempt: number;
  processed_by: string;
  claimed_at: Date;
  processed_at: Date;
}

it('spreads the chunks of one job over two workers, none holding more than its thread', async () => {
  const rows = 60_000;
  const res = await postStream(`${stack.apiUrl}/v1/jobs`, generateContactsCsv(rows, 5), {
    'content-type': 'text/csv',
  });
  expect(res.status, res.body).toBe(202);
  const job: JobBody = await waitForJob(stack.apiUrl, (JSON.parse(res.body) as JobBody).id);
  expect(job.status).toBe('completed');
  expect(job.counts.rowsTotal).toBe(rows);
  const total = job.progress.chunksTotal;
  expect(total).toBeGreaterThanOrEqual(10);

  const { rows: chunks } = await db.query<ChunkRecord>(
    `select seq, attempt, processed_by, claimed_at, processed_at
     from job_chunks where job_id = $1 order by claimed_at, seq`,
    [job.id],
  );
  expect(chunks).toHaveLength(total);
  // Undisturbed: one claim per chunk, so claimed_at is the only claim.
  expect(chunks.every((c) => c.attempt === 1)).toBe(true);

  const byWorker = Object.groupBy(chunks, (c) => c.processed_by);
  expect(Object.keys(byWorker).sort()).toEqual(['worker-1', 'worker-2']);
  for (const [worker, own] of Object.entries(byWorker)) {
    // One thread, one chunk at a time: each claim comes after the worker's
    // previous chunk committed (processed_at is its commit's start).
    for (let i = 1; i < own!.length; i++) {
      const [previous, next] = [own![i - 1]!, own![i]!];
      expect(
        next.claimed_at.getTime(),
        `${worker} claimed chunk ${next.seq} while holding chunk ${previous.seq}`,
      ).toBeGreaterThanOrEqual(previous.processed_at.getTime());
    }
  }
});
