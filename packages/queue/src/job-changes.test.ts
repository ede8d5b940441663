import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createProducerConnection, createWorkerConnection } from './connections.ts';
import { createJobChangeListener, publishJobChange } from './job-changes.ts';

const prefix = '{unit-job-changes}';
const publisher = createProducerConnection({
  target: { mode: 'standalone', url: inject('redisUrl') },
});
let reconnects = 0;
const listener = createJobChangeListener({
  connection: createWorkerConnection({
    target: { mode: 'standalone', url: inject('redisUrl') },
    connectionName: 'unit-listener',
  }),
  prefix,
  onReconnect: () => {
    reconnects += 1;
  },
});

afterAll(async () => {
  await listener.close();
  publisher.disconnect();
});

/** Resolves on the next call of the returned callback. */
function signal() {
  let calls = 0;
  let wake: (() => void) | undefined;
  return {
    onChange: () => {
      calls += 1;
      wake?.();
    },
    calls: () => calls,
    next: () =>
      new Promise<void>((r) => {
        wake = r;
      }),
  };
}

describe('the job change listener', () => {
  it("tells every watcher of a job of its announced changes, and nobody else's", async () => {
    const [job, other] = [randomUUID(), randomUUID()];
    const first = signal();
    const second = signal();
    const bystander = signal();
    const w1 = listener.watch(job, first.onChange);
    const w2 = listener.watch(job, second.onChange);
    const w3 = listener.watch(other, bystander.onChange);
    await Promise.all([w1.subscribed, w2.subscribed, w3.subscribed]);
    const heard = Promise.all([first.next(), second.next()]);
    await publishJobChange(publisher, prefix, job);
    await heard;
    expect([first.calls(), second.calls(), bystander.calls()]).toEqual([1, 1, 0]);

    // The last watcher of a job gone, its channel is left: nobody hears it.
    w1.unwatch();
    w2.unwatch();
    const stillHeard = bystander.next();
    await publishJobChange(publisher, prefix, job);
    await publishJobChange(publisher, prefix, other);
    await stillHeard;
    expect([first.calls(), second.calls(), bystander.calls()]).toEqual([1, 1, 1]);
    // UNSUBSCRIBE went out on the subscriber's connection, PUBSUB goes out on
    // another: Redis may read the second first, so wait for the first to land.
    const wanted = [`${prefix}:events:job:${other}`];
    let channels = await publisher.pubsub('CHANNELS', `${prefix}:events:job:*`);
    for (let i = 0; i < 100 && JSON.stringify(channels) !== JSON.stringify(wanted); i++) {
      await new Promise((r) => setTimeout(r, 20));
      channels = await publisher.pubsub('CHANNELS', `${prefix}:events:job:*`);
    }
    expect(channels).toEqual(wanted);
    w3.unwatch();
  });

  it('says so after losing its connection, and still hears its jobs once back', async () => {
    const job = randomUUID();
    const watcher = signal();
    const w = listener.watch(job, watcher.onChange);
    await w.subscribed;
    const before = reconnects;
    // Only this test's subscriber (other test files share the server).
    const list = (await publisher.client('LIST')) as string;
    const id = /\bid=(\d+)\b[^\n]*\bname=unit-listener\b/.exec(list)?.[1];
    expect(id).toBeDefined();
    await publisher.client('KILL', 'ID', id as string);
    for (let i = 0; i < 100 && reconnects === before; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(reconnects).toBe(before + 1);
    // ioredis subscribes again by itself once ready.
    for (let i = 0; i < 100; i++) {
      const subscribers = (await publisher.pubsub('NUMSUB', `${prefix}:events:job:${job}`)) as [
        string,
        number,
      ];
      if (subscribers[1] === 1) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const heard = watcher.next();
    await publishJobChange(publisher, prefix, job);
    await heard;
    expect(watcher.calls()).toBe(1);
    w.unwatch();
  });
});
