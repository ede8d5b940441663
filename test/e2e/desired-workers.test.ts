import { QUEUE_NAMES } from '@sluice/queue';
import { type Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { getText, type JobBody, postStream, waitForJob } from '../support/client.ts';
import { generateContactsCsv } from '../support/generate-contacts.ts';
import { sample } from '../support/metrics-text.ts';
import { type Stack, startStack } from '../support/stack.ts';

// sluice_desired_workers, what the worker autoscaler scales on (deploy/k8s):
// the chunk backlog over WORKER_TARGET_CHUNKS_PER_WORKER, read from Redis at
// scrape time by the API. Chunks a worker has taken (active) still count.

const PREFIX = '{e2e-desired-workers}';
const PER_WORKER = 3;

let stack: Stack;
let redis: Redis;

beforeAll(async () => {
  // No worker: the upload's chunks wait in Redis until the test adds one.
  stack = await startStack({
    queuePrefix: PREFIX,
    workers: 0,
    env: { CHUNK_BYTES: '16KB', WORKER_TARGET_CHUNKS_PER_WORKER: String(PER_WORKER) },
  });
  redis = new Redis(inject('redisUrl'), {
    connectionName: 'e2e-desired-workers',
    maxRetriesPerRequest: null,
  });
});

afterAll(async () => {
  await redis?.quit();
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

async function apiMetrics() {
  const { status, body } = await getText(`${stack.apiUrl}/metrics`);
  expect(status).toBe(200);
  return {
    desired: sample(body, 'sluice_desired_workers', { queue: 'sluice-chunks', process: 'api' }),
    waiting: sample(body, 'sluice_queue_jobs', { queue: 'sluice-chunks', state: 'waiting' }),
    active: sample(body, 'sluice_queue_jobs', { queue: 'sluice-chunks', state: 'active' }),
  };
}

it('follows the chunk backlog, counts taken chunks, and drops to 0 when the work is done', async () => {
  expect(await apiMetrics()).toEqual({ desired: 0, waiting: 0, active: 0 });

  const res = await postStream(`${stack.apiUrl}/v1/jobs`, generateContactsCsv(2_000, 13), {
    'content-type': 'text/csv',
  });
  expect(res.status, res.body).toBe(202);
  const { id } = JSON.parse(res.body) as JobBody;
  const job = (await (await fetch(`${stack.apiUrl}/v1/jobs/${id}`)).json()) as JobBody;
  const chunks = job.progress.chunksTotal;
  expect(chunks).toBeGreaterThanOrEqual(PER_WORKER + 2);
  const needed = Math.ceil(chunks / PER_WORKER);
  expect(await apiMetrics()).toEqual({ desired: needed, waiting: chunks, active: 0 });

  // Two chunks taken, as a worker takes them: the waiting list shrinks, the
  // work does not, and neither does the number of workers it needs.
  const puller = new Worker(QUEUE_NAMES.chunks, null, {
    connection: redis,
    prefix: PREFIX,
    autorun: false,
  });
  const token = 'e2e-desired-workers';
  try {
    const taken = [
      (await puller.getNextJob(token)) as Job,
      (await puller.getNextJob(token)) as Job,
    ];
    expect(await apiMetrics()).toEqual({ desired: needed, waiting: chunks - 2, active: 2 });
    for (const chunk of taken) await chunk.moveToWait(token);
  } finally {
    await puller.close();
  }
  expect(await apiMetrics()).toEqual({ desired: needed, waiting: chunks, active: 0 });

  // A worker drains the backlog: nothing left to scale for.
  await stack.addWorker();
  expect((await waitForJob(stack.apiUrl, id)).status).toBe('completed');
  expect(await apiMetrics()).toEqual({ desired: 0, waiting: 0, active: 0 });
});
