import { describe, expect, it } from 'vitest';
import { peek } from './peek.ts';

async function collect(source: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const p of source) parts.push(p);
  return Buffer.concat(parts).toString('utf8');
}

/** `bytes` in pieces of `size`; `state.closed` tells whether the reader closed it. */
function tracked(bytes: Uint8Array, size: number) {
  const state = { closed: false, read: 0 };
  const source = (async function* () {
    try {
      for (let i = 0; i < bytes.length; i += size) {
        state.read += 1;
        yield bytes.subarray(i, i + size);
      }
    } finally {
      state.closed = true;
    }
  })();
  return { source, state };
}

describe('peek', () => {
  it('returns a sample and replays everything', async () => {
    const bytes = Buffer.from('0123456789'.repeat(10));
    const { sample, complete, stream } = await peek(tracked(bytes, 7).source, 20);
    expect(sample.byteLength).toBe(20);
    expect(complete).toBe(false);
    expect(await collect(stream)).toBe(bytes.toString());
    const small = await peek(tracked(Buffer.from('abc'), 1).source, 100);
    expect(small.complete).toBe(true);
    expect(await collect(small.stream)).toBe('abc');
  });

  it('keeps the sample intact when the source reuses its buffer', async () => {
    const scratch = Buffer.alloc(4);
    const source = (async function* () {
      for (const word of ['abcd', 'efgh', 'ijkl']) {
        scratch.write(word);
        yield scratch;
      }
    })();
    const { sample } = await peek(source, 8);
    expect(Buffer.from(sample).toString()).toBe('abcdefgh');
  });

  it('closes the source when its stream is closed early, and reads no further', async () => {
    const { source, state } = tracked(Buffer.from('x'.repeat(100)), 10);
    const { stream } = await peek(source, 20);
    for await (const _piece of stream) break;
    expect(state.closed).toBe(true);
    expect(state.read).toBe(2);
  });

  it('closes the source when a consumer throws while reading its stream', async () => {
    const { source, state } = tracked(Buffer.from('x'.repeat(100)), 10);
    const { stream } = await peek(source, 20);
    const consume = async () => {
      for await (const _piece of stream) throw new Error('refused');
    };
    await expect(consume()).rejects.toThrow('refused');
    expect(state.closed).toBe(true);
  });

  it('closes the source when its stream is closed before its first read', async () => {
    const { source, state } = tracked(Buffer.from('x'.repeat(100)), 10);
    const { stream } = await peek(source, 20);
    await stream[Symbol.asyncIterator]().return?.();
    expect(state.closed).toBe(true);
  });
});
