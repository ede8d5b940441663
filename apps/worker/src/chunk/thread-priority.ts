import { setPriority } from 'node:os';

/** What the worker hands each piscina thread (piscina's workerData). */
export interface ThreadData {
  /** WORKER_THREAD_NICE: the nice value the thread lowers itself to. */
  nice: number;
}

/**
 * Lowers the calling thread's scheduling priority to `nice`. On Linux
 * setpriority(PRIO_PROCESS, 0) names the calling thread, not the process
 * (each thread has its own nice value; verified in thread-priority.test.ts
 * from /proc/self/task/<tid>/stat), so a piscina thread that calls this
 * lowers itself and nothing else: the worker's main thread, which renews the
 * BullMQ locks and commits chunks, keeps its priority. On other systems it
 * lowers the whole worker process, which still leaves an API on the same
 * machine ahead of it.
 *
 * Returns false when the system refused (e.g. a seccomp profile): the thread
 * then normalizes at the process' priority, which costs the API latency
 * under load and nothing else, so it is not worth failing the thread over.
 */
export function lowerThreadPriority(nice: number): boolean {
  if (nice <= 0) return true;
  try {
    setPriority(0, nice);
    return true;
  } catch {
    return false;
  }
}
