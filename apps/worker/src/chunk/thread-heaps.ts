import type { Worker } from 'node:worker_threads';
import { withTimeout } from '@sluice/util';

/**
 * Used V8 heap of each pool thread, by position in the pool (a bounded index:
 * a replaced thread takes its predecessor's place). Node asks each thread's
 * isolate directly, so a thread busy with a chunk still answers; one that does
 * not within `timeoutMs`, or exited meanwhile, is left out (undefined).
 */
export async function threadHeaps(
  threads: readonly Worker[],
  timeoutMs = 1_000,
): Promise<Array<number | undefined>> {
  return Promise.all(
    threads.map((thread) =>
      withTimeout(thread.getHeapStatistics(), timeoutMs).then(
        (stats) => stats.used_heap_size,
        () => undefined,
      ),
    ),
  );
}
