import { QUEUE_NAMES } from '@sluice/queue';
import { type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { type AppProcess, spawnApp } from '../harness/processes.ts';
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
    // The reconciler repaired this job. Which verdict it logs depends on when
    // its pass read the parent: after the flush the parent is missing
    // (re-enqueued); a pass that read it just before the flush then finds its
    // children gone (rebuilt). Both re-add the flow from PostgreSQL.
    expect(stack.workers[0]?.output()).toMatch(
      new RegExp(
        `"jobId":"${id}"[^\\n]*reconciler: job (missing from Redis, re-enqueued|flow stuck in Redis, rebuilt)`,
      ),
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

it('a flow stuck in Redis (its parent failed) is rebuilt from PostgreSQL and completes', async () => {
  // Reconcilers see every unfinished job in PostgreSQL: the first test's
  // worker would adopt this one under its own prefix. One deployment per
  // database, as in production: stop it first.
  await stack.stop();
  // An API with no worker: the job's flow waits in Redis untouched.
  const prefix = '{e2e-reconcile-stuck}';
  // Only the flow's chunk jobs in the queue (no early ones): the first one
  // pulled is a child of the flow.
  const idle = await startStack({
    queuePrefix: prefix,
    workers: 0,
    env: { CHUNK_BYTES: '16KB', UPLOAD_EARLY_PROCESSING: 'false' },
  });
  const redis = new Redis(inject('redisUrl'), {
    connectionName: 'e2e-reconcile-stuck',
    maxRetriesPerRequest: null,
  });
  const puller = new Worker(QUEUE_NAMES.chunks, null, {
    connection: redis,
    prefix,
    autorun: false,
  });
  let worker: AppProcess | undefined;
  let stopped: unknown[] = [];
  try {
    const rows = 2_000;
    const res = await postStream(`${idle.apiUrl}/v1/jobs`, generateContactsCsv(rows, 11), {
      'content-type': 'text/csv',
    });
    expect(res.status, res.body).toBe(202);
    const { id } = JSON.parse(res.body) as JobBody;

    // Fail one chunk for good, as BullMQ does when a chunk stalled too often
    // (its workers kept dying). With failParentOnFailure, BullMQ 6 moves the
    // parent to wait with a deferred failure: the next worker to pick it up
    // fails it, and nothing in Redis will ever run the job's other chunks.
    const token = 'e2e-stuck';
    const chunk = (await puller.getNextJob(token)) as Job;
    expect(chunk.data.jobId).toBe(id);
    await chunk.moveToFailed(
      new UnrecoverableError('simulated: job stalled more than allowable limit'),
      token,
    );
    const parents = new Queue(QUEUE_NAMES.jobs, { connection: redis, prefix });
    try {
      const parent = await parents.getJob(`job-${id}`);
      expect(await parent?.getState()).toBe('waiting');
      expect(await chunk.getState()).toBe('failed');
    } finally {
      await parents.close();
    }

    // A worker arrives: its reconciler finds the stuck flow and rebuilds it.
    worker = spawnApp('worker-stuck', 'apps/worker/src/main.ts', {
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl'),
      QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'info',
      RECONCILE_INTERVAL_MS: '500',
      RECONCILE_GRACE_MS: '0',
    });
    const job = await waitForJob(idle.apiUrl, id);
    expect(job.status, job.error ?? '').toBe('completed');
    expect(job.counts.rowsTotal).toBe(rows);
    expect(job.counts.rowsAccepted + job.counts.rowsRejected + job.counts.rowsBlank).toBe(rows);
    expect(worker.output()).toMatch(
      new RegExp(`"jobId":"${id}"[^\\n]*job flow stuck in Redis, rebuilt`),
    );
    const lines = (await getText(job.links.result)).body.split('\n').slice(1, -1);
    expect(lines.length).toBe(job.counts.rowsAccepted);
  } finally {
    await puller.close();
    redis.disconnect();
    stopped = await Promise.all([idle.stop(), worker?.stop('SIGTERM')]);
  }
  // Graceful shutdown of both (checked only when the test got this far).
  expect(stopped.flat()).toEqual([0, 0]);
});

// Two ways Redis can lose one chunk while PostgreSQL still has it pending:
// - 'key': its key is gone (eviction, a failover that kept part of the data)
//   while the parent's dependency set still names it: the parent would wait
//   for it forever;
// - 'removed': the child job was removed (Bull Board, a script), which also
//   drops the parent's dependency: the parent runs as soon as the other
//   chunks are done and finalize would only retry "chunks pending" with
//   backoff (minutes) until it fails.
it.each(['key', 'removed'] as const)(
  'a chunk lost from Redis (%s) while its parent waits is re-added and the job completes',
  async (how) => {
    // The first test's stack is stopped (second test); a fresh one, no worker yet.
    const prefix = `{e2e-reconcile-lost-${how}}`;
    // No early chunk jobs (UPLOAD_EARLY_PROCESSING): none may stand in for the lost one.
    const idle = await startStack({
      queuePrefix: prefix,
      workers: 0,
      env: { CHUNK_BYTES: '16KB', UPLOAD_EARLY_PROCESSING: 'false' },
    });
    const redis = new Redis(inject('redisUrl'), {
      connectionName: `e2e-reconcile-lost-${how}`,
      maxRetriesPerRequest: null,
    });
    const parents = new Queue(QUEUE_NAMES.jobs, { connection: redis, prefix });
    const chunks = new Queue(QUEUE_NAMES.chunks, { connection: redis, prefix });
    let worker: AppProcess | undefined;
    let stopped: unknown[] = [];
    try {
      const rows = 2_000;
      const res = await postStream(`${idle.apiUrl}/v1/jobs`, generateContactsCsv(rows, 13), {
        'content-type': 'text/csv',
      });
      expect(res.status, res.body).toBe(202);
      const { id, progress } = JSON.parse(res.body) as JobBody;
      expect(progress.chunksTotal).toBeGreaterThan(2);

      const lost = `chunk-${id}-1`;
      const lostKey = chunks.toKey(lost);
      const parent = await parents.getJob(`job-${id}`);
      expect(await parent?.getState()).toBe('waiting-children');
      expect((await parent?.getDependencies())?.unprocessed).toContain(lostKey);
      if (how === 'key') {
        await redis.del(lostKey);
        await redis.lrem(chunks.toKey('wait'), 0, lost);
      } else {
        // Every child removed: the parent no longer waits for anything and
        // goes to 'waiting', so finalize runs with every chunk pending.
        for (let seq = 0; seq < progress.chunksTotal; seq++) {
          await chunks.remove(`chunk-${id}-${seq}`);
        }
        expect((await parent?.getDependencies())?.unprocessed).toEqual([]);
        expect(await parent?.getState()).toBe('waiting');
      }
      expect(await chunks.getJobState(lost)).toBe('unknown');

      // A worker arrives: its reconciler finds the flow that cannot finish
      // and rebuilds it with the chunks PostgreSQL still has pending.
      worker = spawnApp(`worker-lost-${how}`, 'apps/worker/src/main.ts', {
        DATABASE_URL: inject('databaseUrl'),
        REDIS_URL: inject('redisUrl'),
        QUEUE_PREFIX: prefix,
        LOG_LEVEL: 'info',
        RECONCILE_INTERVAL_MS: '500',
        RECONCILE_GRACE_MS: '0',
      });
      // Within a few passes, not after finalize's backoff gave up (minutes).
      const job = await waitForJob(idle.apiUrl, id, 60_000);
      expect(job.status, job.error ?? '').toBe('completed');
      expect(job.counts.rowsTotal).toBe(rows);
      expect(worker.output()).toMatch(
        new RegExp(`"jobId":"${id}"[^\\n]*job flow stuck in Redis, rebuilt`),
      );
      const client = new pg.Client({ connectionString: inject('databaseUrl') });
      await client.connect();
      try {
        const { rows: c } = await client.query<{ done: number; errors: number; written: number }>(
          `select count(*) filter (where status = 'done')::int as done,
                sum(errors_total)::int as errors,
                (select count(*)::int from job_row_errors e where e.job_id = $1) as written
         from job_chunks where job_id = $1`,
          [id],
        );
        expect(c[0]?.done).toBe(progress.chunksTotal);
        expect(c[0]?.written).toBe(c[0]?.errors);
      } finally {
        await client.end();
      }
      const lines = (await getText(job.links.result)).body.split('\n').slice(1, -1);
      expect(lines.length).toBe(job.counts.rowsAccepted);
      const ids = lines.map((line) => Number(line.slice(0, line.indexOf(','))));
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      await Promise.all([parents.close(), chunks.close()]);
      redis.disconnect();
      stopped = await Promise.all([idle.stop(), worker?.stop('SIGTERM')]);
    }
    expect(stopped.flat()).toEqual([0, 0]);
  },
);
