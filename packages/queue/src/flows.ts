import { type Job, Queue } from 'bullmq';
import { bullJobIds, QUEUE_NAMES } from './catalog.ts';
import type { RedisConnection } from './connections.ts';

/** A job's flow as Redis holds it: the parent finalize-job and its chunk children. */
export interface FlowView {
  /**
   * The parent's BullMQ state: 'waiting-children' while chunks are open,
   * 'active' while finalizing, ..., 'unknown' when its hash survived but its
   * place in a list did not.
   */
  state(): Promise<string>;
  /**
   * Of `seqs`, the chunks whose child job is gone from Redis (key lost) or is
   * no longer among the parent's unprocessed dependencies: nothing in Redis
   * will ever run them for this parent.
   */
  chunksWithoutChild(seqs: readonly number[]): Promise<number[]>;
  /** Removes the parent and its children. Throws while a worker holds one of them. */
  remove(): Promise<void>;
}

export interface FlowInspector {
  /** The flow of one of our jobs, or undefined when Redis has no parent for it. */
  find(jobId: string): Promise<FlowView | undefined>;
  close(): Promise<void>;
}

/**
 * Reads and removes flows for the reconciler, on a connection the caller
 * owns (fail-fast: a pass errors out while Redis is down).
 */
export function createFlowInspector(options: {
  connection: RedisConnection;
  prefix: string;
  onError?: (error: Error) => void;
}): FlowInspector {
  const jobs = new Queue(QUEUE_NAMES.jobs, {
    connection: options.connection,
    prefix: options.prefix,
  });
  const chunks = new Queue(QUEUE_NAMES.chunks, {
    connection: options.connection,
    prefix: options.prefix,
  });
  for (const q of [jobs, chunks]) q.on('error', (error) => options.onError?.(error));

  const view = (jobId: string, parent: Job): FlowView => ({
    state: () => parent.getState(),
    async chunksWithoutChild(seqs) {
      const unprocessed = new Set((await parent.getDependencies()).unprocessed ?? []);
      const keys = seqs.map((seq) => chunks.toKey(bullJobIds.chunk(jobId, seq)));
      const exists = options.connection.pipeline();
      for (const key of keys) exists.exists(key);
      const found = (await exists.exec()) ?? [];
      return seqs.filter((_, i) => {
        const [error, count] = found[i] ?? [null, 0];
        if (error) throw error;
        return count !== 1 || !unprocessed.has(keys[i]!);
      });
    },
    remove: () => parent.remove({ removeChildren: true }),
  });

  return {
    async find(jobId) {
      const parent = await jobs.getJob(bullJobIds.job(jobId));
      return parent ? view(jobId, parent) : undefined;
    },
    close: async () => {
      await Promise.all([jobs.close(), chunks.close()]);
    },
  };
}
