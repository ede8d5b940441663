import { bullJobIds, QUEUE_NAMES } from '@sluice/queue';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { type JobBody, submitCsv, waitForJob } from '../support/client.ts';
import { dropDataset } from '../support/dataset-tables.ts';
import { postInTwoParts, waitForEarlyChunk } from '../support/early-uploads.ts';
import { type Stack, startStack } from '../support/stack.ts';

// Chunks processed while an upload arrives belong to nobody until the job is
// accepted: an upload that is never accepted (abandoned by a silent client,
// then cut with 408; or cancelled by a client that goes away) leaves no rows,
// no staged import rows and no failed queue jobs behind, and its early chunk
// jobs are dropped by the workers that meet them.

const PREFIX = '{e2e-early-abandoned}';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let stack: Stack;
let redis: Redis;
let chunkQueue: Queue;
const db = new pg.Client({ connectionString: inject('databaseUrl') });

beforeAll(async () => {
  await db.connect();
  stack = await startStack({
    queuePrefix: PREFIX,
    env: { CHUNK_BYTES: '16KB', UPLOAD_MIN_BYTES_PER_SECOND: '0', UPLOAD_EARLY_PROCESSING: 'true' },
    workerEnv: {
      RECONCILE_INTERVAL_MS: '300',
      RECONCILE_GRACE_MS: '0',
      UPLOAD_ABANDON_AFTER_MS: '1500',
    },
  });
  redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  chunkQueue = new Queue(QUEUE_NAMES.chunks, { connection: redis, prefix: PREFIX });
  const created = await fetch(`${stack.apiUrl}/v1/datasets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'early_abandoned',
      columns: [
        { name: 'email', type: 'email', required: true },
        { name: 'name', type: 'name' },
      ],
      key: ['email'],
    }),
  });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  await dropDataset(db, 'early_abandoned');
  await db.end();
  await chunkQueue?.close();
  redis?.disconnect();
  expect((await stack?.stop())?.every((c) => c === 0)).toBe(true);
});

const rows = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `a${from + i}@example.org,Name ${from + i}\n`).join(
    '',
  );

/** Polls until `check` holds (the reconciler and workers act on their own schedule). */
async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 30_000) {
  for (const until = Date.now() + timeoutMs; Date.now() < until; await sleep(100)) {
    if (await check()) return;
  }
  throw new Error(`never: ${what}`);
}

const count = async (sql: string, jobId: string) =>
  (await db.query<{ n: number }>(sql, [jobId])).rows[0]!.n;

/** Nothing of the job is left in PostgreSQL, and none of its early queue jobs failed. */
async function expectNoTrace(jobId: string) {
  await eventually('the job is removed', async () => {
    const left = await count('select count(*)::int as n from jobs where id = $1', jobId);
    return left === 0;
  });
  expect(await count('select count(*)::int as n from job_chunks where job_id = $1', jobId)).toBe(0);
  expect(
    await count('select count(*)::int as n from job_row_errors where job_id = $1', jobId),
  ).toBe(0);
  const stage = `sluice_import_stage.job_${jobId.replaceAll('-', '')}`;
  await eventually('its import stage is dropped', async () => {
    const { rows } = await db.query<{ t: string | null }>('select to_regclass($1)::text as t', [
      stage,
    ]);
    return rows[0]!.t === null;
  });
  // Its early chunk jobs ran to an end (the stored ones applied, the rest
  // found the job gone); none failed or waits to be retried.
  const seqs = Array.from({ length: 12 }, (_, seq) => seq);
  await eventually('its early chunk jobs ended', async () => {
    const states = await Promise.all(
      seqs.map((seq) => chunkQueue.getJobState(bullJobIds.earlyChunk(jobId, seq))),
    );
    return states.every((s) => s === 'completed' || s === 'unknown');
  });
  const listed = await fetch(`${stack.apiUrl}/v1/jobs`);
  const jobs = (await listed.json()) as JobBody[];
  expect(jobs.map((j) => j.id)).not.toContain(jobId);
}

it('an upload abandoned after some chunks were processed leaves nothing, and its client gets 408', async () => {
  let jobId: string | undefined;
  const answer = await postInTwoParts(
    `${stack.apiUrl}/v1/jobs?type=import&dataset=early_abandoned&filename=abandoned.csv`,
    `email,name\n${rows(0, 3000)}`,
    rows(3000, 4000),
    async () => {
      jobId = (await waitForEarlyChunk(db, 'abandoned.csv')).jobId;
      // The client goes silent until the reconciler has removed the upload.
      await eventually('the silent upload is removed', async () => {
        return (await count('select count(*)::int as n from jobs where id = $1', jobId!)) === 0;
      });
    },
  );
  expect(answer.status, answer.body).toBe(408);
  expect(JSON.parse(answer.body)).toMatchObject({ code: 'upload_too_slow' });
  await expectNoTrace(jobId!);
});

it('an upload its client cancels after some chunks were processed leaves nothing', async () => {
  let jobId: string | undefined;
  const cancelled = postInTwoParts(
    `${stack.apiUrl}/v1/jobs?type=import&dataset=early_abandoned&filename=cancelled.csv`,
    `email,name\n${rows(0, 3000)}`,
    rows(3000, 4000),
    async () => {
      jobId = (await waitForEarlyChunk(db, 'cancelled.csv')).jobId;
      throw new Error('cancelled by the client');
    },
  );
  await expect(cancelled).rejects.toThrow();
  await expectNoTrace(jobId!);
  // The worker goes on: the next upload is processed as usual.
  const next = await submitCsv(
    stack.apiUrl,
    `email,name\n${rows(0, 2000)}`,
    '?type=import&dataset=early_abandoned',
  );
  expect((await waitForJob(stack.apiUrl, next.id)).status).toBe('completed');
  const { rows: imported } = await db.query<{ n: number }>(
    "select (select count(*) from jobs where dataset = 'early_abandoned' and status = 'completed')::int as n",
  );
  expect(imported[0]!.n).toBe(1);
});
