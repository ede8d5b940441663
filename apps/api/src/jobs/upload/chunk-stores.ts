/**
 * The chunks of one upload being stored, up to `concurrency` at once, each
 * in its own short transaction (so on its own connection): PostgreSQL
 * compresses and writes one chunk while it writes another and the API
 * splits and profiles the next, on a machine with more than one core.
 * What follows a store (checking the job is still receiving, handing the
 * chunk to early processing) runs in chunk order, whatever order the
 * commits come in. Back-pressure stays: `add` waits while `concurrency`
 * stores are under way, so memory holds a bounded number of chunks
 * whatever the file size.
 */
export class ChunkStores {
  readonly #concurrency: number;
  /** Each started store with its follow-up, oldest first; settles in chunk order. */
  readonly #inFlight: Array<Promise<void>> = [];
  /** The newest entry: the next follow-up runs after it. */
  #last: Promise<void> = Promise.resolve();
  /** The stores themselves until they settle (an entry fails early when an earlier one failed). */
  readonly #stores = new Set<Promise<unknown>>();

  constructor(concurrency: number) {
    if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
    }
    this.#concurrency = concurrency;
  }

  /**
   * Starts `store` once fewer than `concurrency` are under way (or, when
   * `alone`, once every earlier one is done: a chunk that writes the plan
   * must not race an earlier plan), then `then` with its result after
   * every earlier chunk's. An earlier failure is thrown here (the upload
   * stops), as later by `drain`.
   */
  async add<T>(store: () => Promise<T>, then: (result: T) => void, alone = false): Promise<void> {
    while (this.#inFlight.length >= (alone ? 1 : this.#concurrency)) {
      await this.#inFlight.shift();
    }
    const stored = store();
    this.#stores.add(stored);
    // Handled here too: it may fail while its turn is still to come.
    stored.catch(() => {}).finally(() => this.#stores.delete(stored));
    const entry = this.#last.then(() => stored).then(then);
    entry.catch(() => {});
    this.#last = entry;
    this.#inFlight.push(entry);
  }

  /** Every store added, done: throws the first failure. */
  async drain(): Promise<void> {
    while (this.#inFlight.length > 0) await this.#inFlight.shift();
  }

  /**
   * Every store added, settled, failed or not: an upload that failed lets
   * its chunks still being stored finish before it withdraws the job.
   */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.#stores, ...this.#inFlight.splice(0)]);
  }
}
