/**
 * Natural batching: a call goes out at once while fewer than `maxInFlight`
 * batches are under way; calls made meanwhile wait and then go out together,
 * as one batch (at most `maxBatch` items). Nothing waits on a timer: an idle
 * server sends each call alone, as before, and a busy one sends one round
 * trip for many concurrent requests instead of one each.
 *
 * `many` answers a batch (one result per item, in order); when it throws,
 * each item of that batch is tried alone with `one`, so one bad item (or a
 * failure of the batch as a whole) gives each caller its own outcome.
 */
export function coalesce<I, O>(options: {
  many: (items: I[]) => Promise<O[]>;
  one: (item: I) => Promise<O>;
  maxInFlight: number;
  maxBatch: number;
}): (item: I) => Promise<O> {
  interface Waiting {
    item: I;
    resolve: (value: O) => void;
    reject: (reason: unknown) => void;
  }
  let queue: Waiting[] = [];
  let inFlight = 0;

  const settleAlone = (w: Waiting) => options.one(w.item).then(w.resolve, w.reject);

  const send = async (batch: Waiting[]) => {
    inFlight += 1;
    try {
      if (batch.length === 1) {
        await settleAlone(batch[0]!);
        return;
      }
      let results: O[];
      try {
        results = await options.many(batch.map((w) => w.item));
      } catch {
        await Promise.all(batch.map(settleAlone));
        return;
      }
      batch.forEach((w, i) => {
        w.resolve(results[i]!);
      });
    } finally {
      inFlight -= 1;
      drain();
    }
  };

  const drain = () => {
    while (queue.length > 0 && inFlight < options.maxInFlight) {
      const batch = queue.slice(0, options.maxBatch);
      queue = queue.slice(batch.length);
      void send(batch);
    }
  };

  return (item) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      // Calls made in the same tick leave together.
      if (queue.length === 1) queueMicrotask(drain);
    });
}
