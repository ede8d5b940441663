import type { Worker } from 'node:worker_threads';

/**
 * Used V8 heap of each pool thread, by position in the pool (a bounded index:
 * a replaced thread takes its predecessor's place). Node asks each thread's
 * isolate directly, so a thread busy with a chunk still answers; one that does
 * not within `timeoutMs` is left out (undefined).
 */
export async function threadHeaps(
  threads: readonly Worker[],
  timeoutMs = 1_000,
): Promise<Array<number | undefined>> {
  return Promise.all(
    threads.map(async (thread) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        const stats = await Promise.race([
          thread.getHeapStatistics(),
          new Promise<undefined>((resolve) => {
            timer = setTimeout(() => resolve(undefined), timeoutMs);
            timer.unref();
          }),
        ]);
        return stats?.used_heap_size;
      } catch {
        return undefined; // the thread exited meanwhile
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}
