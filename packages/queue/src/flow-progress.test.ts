import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { bullJobIds, QUEUE_NAMES } from './catalog.ts';
import { createProducerConnection } from './connections.ts';
import { createFlowProgress } from './flow-progress.ts';
import { createJobProducer } from './producer.ts';

const prefix = '{unit-flow-progress}';
const connection = createProducerConnection({
  target: { mode: 'standalone', url: inject('redisUrl') },
});
const producer = createJobProducer({ connection, prefix });
const jobs = new Queue(QUEUE_NAMES.jobs, { connection, prefix });

afterAll(async () => {
  await producer.close();
  await jobs.close();
  connection.disconnect();
});

const progressOf = async (id: string) => (await jobs.getJob(bullJobIds.job(id)))?.progress;

describe('createFlowProgress', () => {
  it("sets the parent's progress to its share of children done, at most once per interval, then 100", async () => {
    const id = randomUUID();
    await producer.enqueueJob(id, 4);
    const progress = createFlowProgress({ connection, prefix, minIntervalMs: 60_000 });
    try {
      expect(await progressOf(id)).toBe(0);
      // The reporting chunk is still among the unprocessed: it counts itself.
      await progress.chunkApplied(id);
      expect(await progressOf(id)).toBe(25);
      // Within the interval: no Redis write at all.
      await connection.hset(jobs.toKey(bullJobIds.job(id)), 'progress', '7');
      await progress.chunkApplied(id);
      expect(await progressOf(id)).toBe(7);
      await progress.finished(id);
      expect(await progressOf(id)).toBe(100);
      // A flow Redis no longer has: the report fails (the caller logs it), nothing else.
      await expect(progress.finished(randomUUID())).rejects.toThrow();
    } finally {
      await progress.close();
    }
  });

  it('reports each job on its own interval', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await producer.enqueueJob(a, 2);
    await producer.enqueueJob(b, 2);
    const progress = createFlowProgress({ connection, prefix, minIntervalMs: 60_000 });
    try {
      await progress.chunkApplied(a);
      await progress.chunkApplied(b);
      expect([await progressOf(a), await progressOf(b)]).toEqual([50, 50]);
    } finally {
      await progress.close();
    }
  });
});
