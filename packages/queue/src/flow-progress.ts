import { Job, Queue } from 'bullmq';
import { bullJobIds, QUEUE_NAMES } from './catalog.ts';
import type { RedisConnection } from './connections.ts';

export interface FlowProgress {
  /**
   * A chunk child of `jobId`'s flow was applied: the parent finalize-job's
   * progress becomes the share of its children done, in percent (what Bull
   * Board draws as a bar). At most once per interval per job and process.
   */
  chunkApplied(jobId: string): Promise<void>;
  /** The parent finished its job: 100. */
  finished(jobId: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The finalize parent's BullMQ progress, written by the workers that apply
 * its chunks: two Redis round trips (its dependency counts, then the
 * progress) per report, reports at most every `minIntervalMs` per job per
 * worker process, so a large import costs a few writes a second, never one
 * per chunk, let alone per row. A chunk's own child is still active while
 * it reports (BullMQ moves it after the handler returns), so it counts
 * itself; the parent says 100 only once it has finished.
 */
export function createFlowProgress(options: {
  connection: RedisConnection;
  prefix: string;
  minIntervalMs?: number;
}): FlowProgress {
  const jobs = new Queue(QUEUE_NAMES.jobs, {
    connection: options.connection,
    prefix: options.prefix,
  });
  const minIntervalMs = options.minIntervalMs ?? 1_000;
  const lastReport = new Map<string, number>();
  const parentOf = (jobId: string) => new Job(jobs, 'finalize-job', {}, {}, bullJobIds.job(jobId));

  return {
    async chunkApplied(jobId) {
      const now = Date.now();
      if (now - (lastReport.get(jobId) ?? 0) < minIntervalMs) return;
      // Jobs this process no longer hears of are forgotten (bounded memory).
      if (lastReport.size > 10_000) lastReport.clear();
      lastReport.set(jobId, now);
      const parent = parentOf(jobId);
      const counts = await parent.getDependenciesCount({ processed: true, unprocessed: true });
      const processed = counts.processed ?? 0;
      const total = processed + (counts.unprocessed ?? 0);
      if (total === 0) return;
      // This chunk is among the unprocessed still; never 100 before the parent ends.
      await parent.updateProgress(Math.min(99, Math.floor(((processed + 1) / total) * 100)));
    },
    async finished(jobId) {
      lastReport.delete(jobId);
      await parentOf(jobId).updateProgress(100);
    },
    close: () => jobs.close(),
  };
}
