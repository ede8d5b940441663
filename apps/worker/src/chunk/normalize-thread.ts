import { workerData } from 'piscina';
import type { ChunkTask, ChunkTaskResult } from './chunk-task.ts';
import { normalizeChunk } from './normalize-chunk.ts';
import { lowerThreadPriority, type ThreadData } from './thread-priority.ts';

// Once per thread, when piscina starts it (again after a crash): below the
// API's priority, so threads on every core never starve the API's requests.
lowerThreadPriority((workerData as ThreadData | undefined)?.nice ?? 0);

// piscina thread entry: one call per chunk. Kept separate from the logic so the
// logic can be unit-tested without threads.
export default function run(task: ChunkTask): ChunkTaskResult {
  return normalizeChunk(task);
}
