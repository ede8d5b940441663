import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { bullJobIds, QUEUE_NAMES } from './catalog.ts';
import { createProducerConnection } from './connections.ts';
import { createJobProducer } from './producer.ts';

const prefix = '{unit-producer}';
const connection = createProducerConnection({
  target: { mode: 'standalone', url: inject('redisUrl') },
});
const producer = createJobProducer({ connection, prefix });
const jobs = new Queue(QUEUE_NAMES.jobs, { connection, prefix });
const chunks = new Queue(QUEUE_NAMES.chunks, { connection, prefix });

afterAll(async () => {
  await producer.close();
  await jobs.close();
  await chunks.close();
  connection.disconnect();
});

describe('enqueueJob', () => {
  it('is a no-op for jobs already in Redis: enqueuing a flow twice adds nothing', async () => {
    const id = randomUUID();
    await producer.enqueueJob(id, 3);
    await producer.enqueueJob(id, 3);
    await producer.enqueueJob(id, 3, { pendingSeqs: [1] });
    const parent = await jobs.getJob(bullJobIds.job(id));
    expect(await parent?.getState()).toBe('waiting-children');
    expect(await parent?.getDependenciesCount()).toMatchObject({ unprocessed: 3 });
    const waiting = (await chunks.getWaiting()).filter((j) => j.data.jobId === id);
    expect(waiting.map((j) => j.data.seq).sort()).toEqual([0, 1, 2]);
  });

  it('adds children only for the pending chunks, and a runnable parent for none', async () => {
    const id = randomUUID();
    await producer.enqueueJob(id, 4, { pendingSeqs: [0, 3] });
    const parent = await jobs.getJob(bullJobIds.job(id));
    expect(await parent?.getDependenciesCount()).toMatchObject({ unprocessed: 2 });
    expect(await chunks.getJob(bullJobIds.chunk(id, 1))).toBeUndefined();
    expect(await chunks.getJob(bullJobIds.chunk(id, 3))).toBeDefined();

    const done = randomUUID();
    await producer.enqueueJob(done, 2, { pendingSeqs: [] });
    expect(await (await jobs.getJob(bullJobIds.job(done)))?.getState()).toBe('waiting');
  });
});

describe('enqueueJobs', () => {
  it('adds each job its own flow, every chunk a child, in one call', async () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    await producer.enqueueJobs(ids.map((jobId, i) => ({ jobId, chunkCount: i + 1 })));
    for (const [i, id] of ids.entries()) {
      const parent = await jobs.getJob(bullJobIds.job(id));
      expect(await parent?.getState()).toBe('waiting-children');
      expect(await parent?.getDependenciesCount()).toMatchObject({ unprocessed: i + 1 });
      const waiting = (await chunks.getWaiting()).filter((j) => j.data.jobId === id);
      expect(waiting.map((j) => j.data.seq).sort()).toEqual(
        Array.from({ length: i + 1 }, (_, s) => s),
      );
    }
    // Again, with one of them: nothing is added twice.
    await producer.enqueueJobs([{ jobId: ids[2]!, chunkCount: 3 }]);
    const again = (await chunks.getWaiting()).filter((j) => j.data.jobId === ids[2]);
    expect(again).toHaveLength(3);
  });
});

describe('enqueueEarlyChunks', () => {
  it('adds standalone chunk jobs marked early, once each, beside the flow, and withdraws them', async () => {
    const id = randomUUID();
    await producer.enqueueEarlyChunks(id, [0, 1]);
    await producer.enqueueEarlyChunks(id, [1, 2]);
    const early = await chunks.getJob(bullJobIds.earlyChunk(id, 1));
    expect(early?.data).toEqual({ jobId: id, seq: 1, early: true });
    expect(early?.parent).toBeUndefined();
    await producer.enqueueJob(id, 3);
    const waiting = (await chunks.getWaiting()).filter((j) => j.data.jobId === id);
    expect(waiting.map((j) => j.id).sort()).toEqual(
      [0, 1, 2]
        .flatMap((seq) => [bullJobIds.chunk(id, seq), bullJobIds.earlyChunk(id, seq)])
        .sort(),
    );
    // The upload ended: the early jobs no worker took are withdrawn, the flow's stay.
    await producer.withdrawEarlyChunks(id, [0, 1, 2]);
    const left = (await chunks.getWaiting()).filter((j) => j.data.jobId === id);
    expect(left.map((j) => j.id).sort()).toEqual([0, 1, 2].map((s) => bullJobIds.chunk(id, s)));
  });
});

describe('requeueJob', () => {
  it('replaces a flow with one for the pending chunks only', async () => {
    const id = randomUUID();
    await producer.enqueueJob(id, 3);
    await producer.requeueJob(id, 3, { pendingSeqs: [1, 2] });
    const revived = await jobs.getJob(bullJobIds.job(id));
    expect(await revived?.getState()).toBe('waiting-children');
    expect(await revived?.getDependenciesCount()).toMatchObject({ unprocessed: 2 });
    expect(await chunks.getJob(bullJobIds.chunk(id, 0))).toBeUndefined();
    const waiting = (await chunks.getWaiting()).filter((j) => j.data.jobId === id);
    expect(waiting.map((j) => j.data.seq).sort()).toEqual([1, 2]);
  });

  it('replaces a flow whose parent ran (it is not a duplicate of the old one)', async () => {
    const id = randomUUID();
    // No chunks pending: the parent is runnable at once, as after a cancel.
    await producer.enqueueJob(id, 2, { pendingSeqs: [] });
    await producer.enqueueJob(id, 2, { pendingSeqs: [1] });
    expect(await (await jobs.getJob(bullJobIds.job(id)))?.getState()).toBe('waiting');
    await producer.requeueJob(id, 2, { pendingSeqs: [1] });
    const parent = await jobs.getJob(bullJobIds.job(id));
    expect(await parent?.getState()).toBe('waiting-children');
    expect(await parent?.getDependenciesCount()).toMatchObject({ unprocessed: 1 });
  });

  it('enqueues a job Redis has no flow for', async () => {
    const id = randomUUID();
    await producer.requeueJob(id, 2);
    expect(await (await jobs.getJob(bullJobIds.job(id)))?.getState()).toBe('waiting-children');
  });
});
