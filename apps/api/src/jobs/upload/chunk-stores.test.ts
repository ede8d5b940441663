import { describe, expect, it } from 'vitest';
import { ChunkStores } from './chunk-stores.ts';

/** A promise settled from outside. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

/** Lets every settled promise's reactions run. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('ChunkStores', () => {
  it('stores two at once, runs the follow-ups in chunk order, and makes the third wait for a turn', async () => {
    const stores = new ChunkStores(2);
    const commits = [deferred<number>(), deferred<number>(), deferred<number>()];
    const started: number[] = [];
    const followed: number[] = [];
    const add = (i: number) =>
      stores.add(
        () => {
          started.push(i);
          return commits[i]!.promise;
        },
        (n) => followed.push(n),
      );
    await add(0);
    await add(1);
    expect(started).toEqual([0, 1]);
    let thirdAdded = false;
    const third = add(2).then(() => {
      thirdAdded = true;
    });
    // Chunk 1 commits first: its follow-up waits for chunk 0's, and no turn is free yet.
    commits[1]!.resolve(1);
    await flush();
    expect(followed).toEqual([]);
    expect(thirdAdded).toBe(false);
    commits[0]!.resolve(0);
    await third;
    await flush();
    expect(followed).toEqual([0, 1]);
    expect(started).toEqual([0, 1, 2]);
    commits[2]!.resolve(2);
    await stores.drain();
    expect(followed).toEqual([0, 1, 2]);
  });

  it('starts a store that must be alone only once every earlier one is done', async () => {
    const stores = new ChunkStores(2);
    const first = deferred<number>();
    await stores.add(
      () => first.promise,
      () => {},
    );
    let started = false;
    const alone = stores.add(
      async () => {
        started = true;
        return 1;
      },
      () => {},
      true,
    );
    await flush();
    expect(started).toBe(false);
    first.resolve(0);
    await alone;
    expect(started).toBe(true);
    await stores.drain();
  });

  it('throws the first failure at the next turn or at drain, and settles every store before a withdrawal', async () => {
    const stores = new ChunkStores(2);
    const failing = deferred<boolean>();
    const slow = deferred<boolean>();
    await stores.add(
      () => failing.promise,
      (ok) => {
        if (!ok) throw new Error('no longer receiving');
      },
    );
    let slowDone = false;
    await stores.add(
      async () => {
        const value = await slow.promise;
        slowDone = true;
        return value;
      },
      () => {},
    );
    failing.resolve(false);
    await expect(
      stores.add(
        async () => true,
        () => {},
      ),
    ).rejects.toThrow('no longer receiving');
    // The store still under way is waited for, though its turn already failed.
    const settled = stores.settle();
    await flush();
    expect(slowDone).toBe(false);
    slow.resolve(true);
    await settled;
    expect(slowDone).toBe(true);
  });
});
