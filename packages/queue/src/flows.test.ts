import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { bullJobIds, QUEUE_NAMES } from './catalog.ts';
import { createProducerConnection } from './connections.ts';
import { createFlowInspector } from './flows.ts';
import { createJobProducer } from './producer.ts';

const prefix = '{unit-flows}';
const connection = createProducerConnection({
  target: { mode: 'standalone', url: inject('redisUrl') },
});
const producer = createJobProducer({ connection, prefix });
const flows = createFlowInspector({ connection, prefix });
const chunks = new Queue(QUEUE_NAMES.chunks, { connection, prefix });

afterAll(async () => {
  await producer.close();
  await flows.close();
  await chunks.close();
  connection.disconnect();
});

describe('createFlowInspector', () => {
  it('finds a flow, tells which pending chunks have no child left, and removes it', async () => {
    const id = randomUUID();
    expect(await flows.find(id)).toBeUndefined();
    await producer.enqueueJob(id, 3);
    const flow = await flows.find(id);
    expect(await flow?.state()).toBe('waiting-children');
    expect(await flow?.chunksWithoutChild([0, 1, 2])).toEqual([]);

    // Redis loses one child's key; another child is no longer the parent's.
    await connection.del(chunks.toKey(bullJobIds.chunk(id, 1)));
    const other = await chunks.getJob(bullJobIds.chunk(id, 2));
    await other?.remove();
    expect(await flow?.chunksWithoutChild([0, 1, 2])).toEqual([1, 2]);

    await flow?.remove();
    expect(await flows.find(id)).toBeUndefined();
    expect(await chunks.getJob(bullJobIds.chunk(id, 0))).toBeUndefined();
  });
});
