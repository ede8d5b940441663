/**
 * Reads up to `bytes` from the start of `source` without losing anything:
 * returns the sample and a stream that replays it followed by the rest.
 *
 * The stream owns `source` from then on: closing it early (a consumer's
 * `break`, `return()` or a throw in a `for await` over it, even before its
 * first read) closes `source` too. A source left open would keep its reader
 * attached: an HTTP request body could then never be read to its end to
 * answer a refused upload.
 */
export async function peek(
  source: AsyncIterable<Uint8Array>,
  bytes: number,
): Promise<{ sample: Uint8Array; complete: boolean; stream: AsyncIterable<Uint8Array> }> {
  const iterator = source[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let size = 0;
  let complete = false;
  try {
    while (size < bytes) {
      const next = await iterator.next();
      if (next.done) {
        complete = true;
        break;
      }
      // Copied: a source may reuse its buffer once asked for the next piece.
      head.push(Buffer.from(next.value));
      size += next.value.byteLength;
    }
  } catch (error) {
    await iterator.return?.();
    throw error;
  }
  const sample = Buffer.concat(head);
  return {
    sample: sample.subarray(0, bytes),
    complete,
    stream: new Replay(sample, complete, iterator),
  };
}

/**
 * The sample, then the rest of the source. A class, not an async generator:
 * a generator closed before its first `next()` never runs its `finally`, so
 * it could not close the source it was handed.
 */
class Replay implements AsyncIterableIterator<Uint8Array> {
  private sample: Uint8Array | undefined;
  private done: boolean;
  private readonly source: AsyncIterator<Uint8Array>;

  constructor(sample: Uint8Array, complete: boolean, source: AsyncIterator<Uint8Array>) {
    this.sample = sample.byteLength > 0 ? sample : undefined;
    this.done = complete;
    this.source = source;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    const sample = this.sample;
    if (sample) {
      this.sample = undefined;
      return { done: false, value: sample };
    }
    if (this.done) return { done: true, value: undefined };
    const next = await this.source.next();
    if (next.done) this.done = true;
    return next;
  }

  async return(): Promise<IteratorResult<Uint8Array>> {
    this.sample = undefined;
    if (!this.done) {
      this.done = true;
      await this.source.return?.();
    }
    return { done: true, value: undefined };
  }
}
