import { type FlowJob, FlowProducer, Queue } from 'bullmq';
import { bullJobIds, jobCatalog, QUEUE_NAMES } from './catalog.ts';
import type { RedisConnection } from './connections.ts';

export interface EnqueueOptions {
  /**
   * Only these chunks get a child job (the others are already done in
   * PostgreSQL). Default: every chunk 0..chunkCount-1. With none the parent
   * runs at once and finalizes.
   */
  pendingSeqs?: readonly number[];
}

export interface JobProducer {
  /**
   * Enqueues an upload as one flow: parent `finalize-job` with one child per
   * chunk. Job ids are deterministic, so enqueuing the same job again is a
   * no-op for every job already in Redis (BullMQ answers a duplicate id with
   * the existing job) and only adds the missing ones.
   */
  enqueueJob(jobId: string, chunkCount: number, options?: EnqueueOptions): Promise<void>;
  /**
   * enqueueJob for several uploads at once (every chunk of each): one
   * FlowProducer.addBulk, a single MULTI/EXEC round trip to Redis for all
   * of them, all added or none.
   */
  enqueueJobs(jobs: ReadonlyArray<{ jobId: string; chunkCount: number }>): Promise<void>;
  /**
   * Chunks of an upload still arriving, as standalone normalize-chunk jobs
   * (`early-<job>-<seq>`, no parent): workers process them with the plan so
   * far while the upload goes on. Harmless if the job is never accepted
   * (workers find it gone and drop them); enqueuing one twice is a no-op.
   */
  enqueueEarlyChunks(jobId: string, seqs: readonly number[]): Promise<void>;
  /**
   * Removes a job's early chunk jobs that no worker has taken (waiting,
   * delayed or ended), once its upload has ended and its flow has a child
   * for every chunk: the backlog then counts each chunk once. One a worker
   * holds stays (BullMQ refuses to remove a locked job) and runs its course.
   */
  withdrawEarlyChunks(jobId: string, seqs: readonly number[]): Promise<void>;
  /**
   * Replaces a job's flow (after a retry): the old one, whatever state it
   * ended in, is removed with its children, and a new one is enqueued for
   * the pending chunks. Throws when a worker still holds one of the old
   * flow's jobs (BullMQ refuses to remove a locked job): the caller may try
   * again; the reconciler rebuilds a flow that cannot finish its job anyway.
   */
  requeueJob(jobId: string, chunkCount: number, options?: EnqueueOptions): Promise<void>;
  close(): Promise<void>;
}

const allSeqs = (chunkCount: number) => Array.from({ length: chunkCount }, (_, i) => i);

/** A job's flow: parent `finalize-job`, one `normalize-chunk` child per pending chunk. */
function flowOf(jobId: string, seqs: readonly number[]): FlowJob {
  const parent = jobCatalog['finalize-job'];
  const child = jobCatalog['normalize-chunk'];
  return {
    name: 'finalize-job',
    queueName: parent.queue,
    data: parent.payload.parse({ jobId }),
    opts: { ...parent.options, jobId: bullJobIds.job(jobId) },
    children: seqs.map((seq) => ({
      name: 'normalize-chunk',
      queueName: child.queue,
      data: child.payload.parse({ jobId, seq }),
      opts: { ...child.options, jobId: bullJobIds.chunk(jobId, seq) },
    })),
  };
}

export function createJobProducer(options: {
  connection: RedisConnection;
  prefix: string;
}): JobProducer {
  const flows = new FlowProducer({ connection: options.connection, prefix: options.prefix });
  // Only for finding a flow's parent to replace it; made on first use.
  let parents: Queue | undefined;
  // Only for early chunk jobs; made on first use.
  let chunks: Queue | undefined;
  const chunkQueue = () => {
    chunks ??= new Queue(QUEUE_NAMES.chunks, {
      connection: options.connection,
      prefix: options.prefix,
    });
    return chunks;
  };
  const producer: JobProducer = {
    async enqueueJob(jobId, chunkCount, enqueueOptions = {}) {
      const seqs = enqueueOptions.pendingSeqs ?? allSeqs(chunkCount);
      await flows.add(flowOf(jobId, seqs));
    },
    async enqueueJobs(jobs) {
      if (jobs.length === 0) return;
      await flows.addBulk(jobs.map(({ jobId, chunkCount }) => flowOf(jobId, allSeqs(chunkCount))));
    },
    async enqueueEarlyChunks(jobId, seqs) {
      if (seqs.length === 0) return;
      const { failParentOnFailure: _, ...opts } = jobCatalog['normalize-chunk'].options;
      const payload = jobCatalog['normalize-chunk'].payload;
      await chunkQueue().addBulk(
        seqs.map((seq) => ({
          name: 'normalize-chunk',
          data: payload.parse({ jobId, seq, early: true }),
          opts: { ...opts, jobId: bullJobIds.earlyChunk(jobId, seq) },
        })),
      );
    },
    async withdrawEarlyChunks(jobId, seqs) {
      const queue = chunkQueue();
      // 0 for a job a worker holds (locked): it runs its course.
      await Promise.all(seqs.map((seq) => queue.remove(bullJobIds.earlyChunk(jobId, seq))));
    },
    async requeueJob(jobId, chunkCount, enqueueOptions = {}) {
      parents ??= new Queue(QUEUE_NAMES.jobs, {
        connection: options.connection,
        prefix: options.prefix,
      });
      const old = await parents.getJob(bullJobIds.job(jobId));
      await old?.remove({ removeChildren: true });
      await producer.enqueueJob(jobId, chunkCount, enqueueOptions);
    },
    close: async () => {
      await Promise.all([flows.close(), parents?.close(), chunks?.close()]);
    },
  };
  return producer;
}
