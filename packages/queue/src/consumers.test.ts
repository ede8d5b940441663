import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { bullJobIds, jobCatalog, QUEUE_NAMES } from './catalog.ts';
import { createProducerConnection, createWorkerConnection } from './connections.ts';
import {
  type AttemptFailure,
  type ConsumerEvents,
  createConsumers,
  HandBack,
  type JobAttempt,
  type JobHandlers,
} from './consumers.ts';

// Real Redis (the harness'), one prefix for this file: consumers take every
// job of their queues, so the tests below run one after the other on it.
const prefix = '{unit-consumers}';
const url = inject('redisUrl');
const producerConnection = createProducerConnection({ target: { mode: 'standalone', url } });
const chunksQueue = new Queue(QUEUE_NAMES.chunks, { connection: producerConnection, prefix });
const opened: Array<{ close(): Promise<void> }> = [];
const connections = {
  'normalize-chunk': createWorkerConnection({ target: { mode: 'standalone', url } }),
  'finalize-job': createWorkerConnection({ target: { mode: 'standalone', url } }),
  'purge-expired': createWorkerConnection({ target: { mode: 'standalone', url } }),
  'deliver-webhook': createWorkerConnection({ target: { mode: 'standalone', url } }),
};

afterAll(async () => {
  for (const c of opened) await c.close();
  await chunksQueue.close();
  for (const c of Object.values(connections)) c.disconnect();
  producerConnection.disconnect();
});

const settings = {
  concurrency: {
    'normalize-chunk': 1,
    'finalize-job': 1,
    'purge-expired': 1,
    'deliver-webhook': 1,
  },
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
  maxStalledCount: 1,
};

function consumers(
  handlers: Partial<JobHandlers>,
  events: ConsumerEvents = {},
  { start = true } = {},
) {
  const idle = async () => undefined;
  const c = createConsumers({
    connections,
    prefix,
    settings,
    handlers: {
      'normalize-chunk': idle,
      'finalize-job': idle,
      'purge-expired': idle,
      'deliver-webhook': idle,
      ...handlers,
    },
    events,
  });
  opened.push(c);
  if (start) c.start();
  return c;
}

/** A chunk job as the producer would add it, with the given options on top of the catalog's. */
async function addChunk(data: (jobId: string) => unknown, opts: Record<string, unknown> = {}) {
  const jobId = randomUUID();
  const bullJobId = bullJobIds.chunk(jobId, 0);
  await chunksQueue.add('normalize-chunk', data(jobId) as { jobId: string; seq: number }, {
    ...jobCatalog['normalize-chunk'].options,
    failParentOnFailure: false,
    ...opts,
    jobId: bullJobId,
  });
  return { jobId, bullJobId };
}

async function until<T>(read: () => T | undefined, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('createConsumers', () => {
  it('hands a payload parsed through the catalog to the handler, and a hand-back costs no attempt', async () => {
    const seen: Array<{ payload: unknown; attempt: JobAttempt }> = [];
    const handedBack: number[] = [];
    let completed = 0;
    const c = consumers(
      {
        'normalize-chunk': async (payload, attempt) => {
          seen.push({ payload, attempt });
          if (seen.length === 1) throw new HandBack(50, new Error('database down'));
          return 'done';
        },
      },
      {
        handedBack: (d) => handedBack.push(d.delayMs),
        completed: () => {
          completed += 1;
        },
      },
    );
    const { jobId, bullJobId } = await addChunk((jobId) => ({ jobId, seq: 0 }));
    await until(() => (completed === 1 ? true : undefined));
    expect(seen[0]?.payload).toEqual({ jobId, seq: 0 });
    expect(seen[0]?.attempt).toMatchObject({ bullJobId, handBacks: 0 });
    expect(seen[1]?.attempt).toMatchObject({ bullJobId, handBacks: 1 });
    expect(handedBack).toEqual([50]);
    const job = await chunksQueue.getJob(bullJobId);
    expect(await job?.getState()).toBe('completed');
    // One attempt made (the one that completed); the hand-back only started one.
    expect(job).toMatchObject({ attemptsMade: 1, attemptsStarted: 2 });
    await c.close();
  });

  it('reports failed attempts, the last one as final, with the parsed payload', async () => {
    const failures: AttemptFailure[] = [];
    const c = consumers(
      {
        'normalize-chunk': async () => {
          throw new Error('boom');
        },
      },
      { failed: (failure) => failures.push(failure) },
    );
    await addChunk((jobId) => ({ jobId, seq: 3 }), { attempts: 2, backoff: 0 });
    const final = await until(() => failures.find((f) => f.final));
    expect(failures.map((f) => [f.attemptsMade, f.final])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(final).toMatchObject({ name: 'normalize-chunk', attempts: 2 });
    expect(final.payload).toMatchObject({ seq: 3 });
    await c.close();
  });

  it('fails a job whose payload does not fit the catalog without running the handler', async () => {
    const failures: Array<{ failure: AttemptFailure; error: Error }> = [];
    let ran = false;
    const c = consumers(
      {
        'normalize-chunk': async () => {
          ran = true;
        },
      },
      { failed: (failure, error) => failures.push({ failure, error }) },
    );
    await addChunk(() => ({ jobId: 'not-a-uuid', seq: -1 }), { attempts: 1 });
    const { failure, error } = await until(() => failures[0]);
    expect(ran).toBe(false);
    expect(failure).toMatchObject({ payload: undefined, final: true });
    expect(error.message).toMatch(/jobId|seq/);
    await c.close();
  });

  it('takes nothing before start, then pauses and resumes every queue', async () => {
    const c = consumers({}, {}, { start: false });
    expect(c.isConsuming('normalize-chunk')).toBe(false);
    c.start();
    expect(c.isPaused()).toBe(false);
    await until(() => (c.isConsuming('normalize-chunk') ? true : undefined));
    await c.pause();
    expect(c.isPaused()).toBe(true);
    expect(c.isConsuming('normalize-chunk')).toBe(false);
    expect(c.isConsuming('finalize-job')).toBe(false);
    c.resume();
    expect(c.isPaused()).toBe(false);
    await c.close();
  });
});
