import pg from 'pg';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { getText, type JobBody, postStream, waitForJob } from '../support/client.ts';
import { generateContactsCsv } from '../support/generate-contacts.ts';
import { type Stack, startStack } from '../support/stack.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    queuePrefix: '{e2e-scale}',
    workers: 2,
    env: { CHUNK_BYTES: '32KB' },
    workerEnv: { WORKER_THREADS: '1', WORKER_CONCURRENCY: '1' },
  });
});

afterAll(async () => {
  const codes = await stack?.stop();
  expect(codes).toEqual([0, 0, 0]);
});

it('two worker processes share the chunks of one big job', async () => {
  const rows = 20_000;
  const res = await postStream(`${stack.apiUrl}/v1/jobs`, generateContactsCsv(rows, 3), {
    'content-type': 'text/csv',
  });
  expect(res.status, res.body).toBe(202);
  const job: JobBody = await waitForJob(stack.apiUrl, (JSON.parse(res.body) as JobBody).id);
  expect(job.status).toBe('completed');
  expect(job.counts.rowsTotal).toBe(rows);
  expect(job.progress.chunksTotal).toBeGreaterThanOrEqual(40);

  // Who processed what is recorded with each chunk's done-marker.
  const client = new pg.Client({ connectionString: inject('databaseUrl') });
  await client.connect();
  try {
    const { rows: split } = await client.query<{ processed_by: string; chunks: number }>(
      'select processed_by, count(*)::int as chunks from job_chunks where job_id = $1 group by 1 order by 1',
      [job.id],
    );
    expect(split.map((s) => s.processed_by)).toEqual(['worker-1', 'worker-2']);
    for (const s of split)
      expect(s.chunks).toBeGreaterThanOrEqual(Math.floor(job.progress.chunksTotal / 10));
    expect(split.reduce((n, s) => n + s.chunks, 0)).toBe(job.progress.chunksTotal);
  } finally {
    await client.end();
  }

  // Output is still the whole file, in file order, exactly once.
  const result = await getText(job.links.result);
  const ids = result.body
    .split('\n')
    .slice(1, -1)
    .map((line) => Number(line.slice(0, line.indexOf(','))));
  expect(ids.length).toBe(job.counts.rowsAccepted);
  expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
});

it('each worker sets its heap growth at start (HEAP_GROWING_PERCENT, default 100)', () => {
  for (const worker of stack.workers) {
    const ready = worker
      .output()
      .split('\n')
      .find((line) => line.includes('"sluice worker ready"'));
    expect(ready, worker.output()).toBeDefined();
    expect((JSON.parse(ready!) as { heapGrowth: unknown }).heapGrowth).toBe(
      '--heap-growing-percent=100',
    );
  }
});
