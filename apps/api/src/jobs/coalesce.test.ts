import { describe, expect, it } from 'vitest';
import { coalesce } from './coalesce.ts';

/** A batch function that records its batches and answers when told to. */
function recorder() {
  const batches: number[][] = [];
  const gates: Array<() => void> = [];
  const many = async (items: number[]) => {
    batches.push(items);
    await new Promise<void>((resolve) => gates.push(resolve));
    if (items.includes(13)) throw new Error('unlucky batch');
    return items.map((i) => i * 10);
  };
  const one = async (item: number) => {
    batches.push([item]);
    if (batches.length === 1) await new Promise<void>((resolve) => gates.push(resolve));
    if (item === 13) throw new Error('unlucky item');
    return item * 10;
  };
  const openAll = () => {
    for (const open of gates.splice(0)) open();
  };
  return { batches, many, one, openAll };
}

const ticks = () => new Promise((resolve) => setImmediate(resolve));

describe('coalesce', () => {
  it('sends a lone call alone, and calls made while batches are in flight together', async () => {
    const r = recorder();
    const call = coalesce({ many: r.many, one: r.one, maxInFlight: 1, maxBatch: 3 });
    const first = call(1);
    await ticks();
    expect(r.batches).toEqual([[1]]);
    const rest = [2, 3, 4, 5].map(call);
    await ticks();
    // The one in flight holds the others back.
    expect(r.batches).toEqual([[1]]);
    r.openAll();
    expect(await first).toBe(10);
    await ticks();
    expect(r.batches).toEqual([[1], [2, 3, 4]]);
    r.openAll();
    await ticks();
    expect(r.batches).toEqual([[1], [2, 3, 4], [5]]);
    expect(await Promise.all(rest)).toEqual([20, 30, 40, 50]);
  });

  it('answers each item of a failed batch alone: only the bad one fails', async () => {
    const r = recorder();
    const call = coalesce({ many: r.many, one: r.one, maxInFlight: 1, maxBatch: 10 });
    const first = call(1);
    const batch = [12, 13, 14].map((i) =>
      call(i).then(
        (v) => v,
        (e: Error) => e.message,
      ),
    );
    await ticks();
    r.openAll();
    expect(await first).toBe(10);
    await ticks();
    r.openAll();
    expect(await Promise.all(batch)).toEqual([120, 'unlucky item', 140]);
  });

  it('keeps up to maxInFlight batches under way', async () => {
    const r = recorder();
    const call = coalesce({ many: r.many, one: r.one, maxInFlight: 2, maxBatch: 10 });
    const all = [call(1)];
    await ticks();
    all.push(call(2), call(3));
    await ticks();
    expect(r.batches).toEqual([[1], [2, 3]]);
    all.push(call(4));
    await ticks();
    expect(r.batches).toEqual([[1], [2, 3]]);
    r.openAll();
    await ticks();
    r.openAll();
    expect(await Promise.all(all)).toEqual([10, 20, 30, 40]);
  });
});
