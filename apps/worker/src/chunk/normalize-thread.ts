import type { ChunkTask, ChunkTaskResult } from './chunk-task.ts';
import { normalizeChunk } from './normalize-chunk.ts';

// piscina thread entry: one call per chunk. Kept separate from the logic so the
// logic can be unit-tested without threads.
export default function run(task: ChunkTask): ChunkTaskResult {
  return normalizeChunk(task);
}
