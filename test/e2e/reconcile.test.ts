import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { getText, type JobBody, postStream, waitForJob } from '../support/client.ts';
import { generateContactsCsv } from '../support/generate-contacts.ts';
import { type Stack, startStack } from '../support/stack.ts';

// PostgreSQL is the source of truth: a job whose BullMQ flow Redis has lost
// is found by the workers' reconciler and re-enqueued, and still completes
// with every row exactly once.

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    queuePrefix: '{e2e-reconcile}',
    env: { CHUNK_BYTES: '16KB' },
    workerEnv: {
      WORKER_THREADS: '1',
      WORKER_CONCURRENCY: '1',
      RECONCILE_INTERVAL_MS: '500',
      RECONCILE_GRACE_MS: '0',
    },
  });
});

afterAll(async () => {
  const codes = await stack?.stop();
  expect(codes).toEqual([0, 0]);
});

it('a job survives Redis losing every queued job (FLUSHALL)', async () => {
  const rows = 20_000;
  const res = await postStream(`${stack.apiUrl}/v1/jobs`, generateContactsCsv(rows, 7), {
    'content-type': 'text/csv',
  });
  expect(res.status, res.body).toBe(202);
  const { id } = JSON.parse(res.body) as JobBody;

  const redis = new Redis(inject('redisUrl'), { connectionName: 'e2e-reconcile' });
  const client = new pg.Client({ connectionString: inject('databaseUrl') });
  await client.connect();
  try {
    expect(await redis.flushall()).toBe('OK');
    // The flush must have hit an unfinished job for this test to mean anything.
    const { rows: before } = await client.query<{ pending: number }>(
      "select count(*)::int as pending from job_chunks where job_id = $1 and status = 'pending'",
      [id],
    );
    expect(before[0]?.pending).toBeGreaterThan(0);

    const job = await waitForJob(stack.apiUrl, id);
    expect(job.status, job.error ?? '').toBe('completed');
    expect(stack.workers[0]?.output()).toMatch(
      new RegExp(`"jobId":"${id}"[^\\n]*job missing from Redis, re-enqueued`),
    );
    const { counts } = job;
    expect(counts.rowsTotal).toBe(rows);
    expect(counts.rowsAccepted + counts.rowsRejected + counts.rowsBlank).toBe(counts.rowsTotal);

    // Every chunk done exactly once; the output is the whole file in order.
    const { rows: chunks } = await client.query<{ done: number; total: number }>(
      "select count(*) filter (where status = 'done')::int as done, count(*)::int as total from job_chunks where job_id = $1",
      [id],
    );
    expect(chunks[0]?.done).toBe(chunks[0]?.total);
    expect(chunks[0]?.total).toBe(job.progress.chunksTotal);
    const result = await getText(job.links.result);
    const lines = result.body.split('\n').slice(1, -1);
    expect(lines.length).toBe(counts.rowsAccepted);
    const ids = lines.map((line) => Number(line.slice(0, line.indexOf(','))));
    expect(ids.every((n, i) => i === 0 || n > ids[i - 1]!)).toBe(true);
  } finally {
    await client.end();
    await redis.quit();
  }
});
