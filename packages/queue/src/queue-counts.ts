import { Queue } from 'bullmq';
import { QUEUE_NAMES, type QueueName } from './catalog.ts';
import type { RedisConnection } from './connections.ts';

/** The BullMQ states reported in metrics and /health. */
export const JOB_COUNT_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'failed',
  'completed',
] as const;

export type JobCountState = (typeof JOB_COUNT_STATES)[number];
export type QueueCounts = Record<QueueName, Record<JobCountState, number>>;

export interface QueueCounter {
  /** Job counts of every Sluice queue by state (one Redis round trip per queue). */
  counts(): Promise<QueueCounts>;
  close(): Promise<void>;
}

/**
 * Reads queue depth for metrics and health on a connection the caller owns
 * (BullMQ leaves a connection it was given open on close).
 */
export function createQueueCounter(options: {
  connection: RedisConnection;
  prefix: string;
  onError?: (error: Error) => void;
}): QueueCounter {
  const queues = Object.values(QUEUE_NAMES).map((name) => {
    const queue = new Queue(name, { connection: options.connection, prefix: options.prefix });
    // Connection errors are the connection owner's to log; never unhandled.
    queue.on('error', (error) => options.onError?.(error));
    return queue;
  });
  return {
    async counts() {
      const entries = await Promise.all(
        queues.map(async (queue) => {
          const raw = await queue.getJobCounts(...JOB_COUNT_STATES);
          const byState = Object.fromEntries(
            JOB_COUNT_STATES.map((state) => [state, raw[state] ?? 0]),
          ) as Record<JobCountState, number>;
          return [queue.name, byState] as const;
        }),
      );
      return Object.fromEntries(entries) as QueueCounts;
    },
    close: async () => {
      await Promise.all(queues.map((q) => q.close()));
    },
  };
}
