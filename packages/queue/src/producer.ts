import { FlowProducer } from 'bullmq';
import type { Redis } from 'ioredis';
import { bullJobIds, jobCatalog } from './catalog.ts';

export interface JobProducer {
  /** Enqueues an upload as one flow: parent `finalize-job` with one child per chunk. */
  enqueueJob(jobId: string, chunkCount: number): Promise<void>;
  close(): Promise<void>;
}

export function createJobProducer(options: { connection: Redis; prefix: string }): JobProducer {
  const flows = new FlowProducer({ connection: options.connection, prefix: options.prefix });
  return {
    async enqueueJob(jobId, chunkCount) {
      const parent = jobCatalog['finalize-job'];
      const child = jobCatalog['normalize-chunk'];
      await flows.add({
        name: 'finalize-job',
        queueName: parent.queue,
        data: parent.payload.parse({ jobId }),
        opts: { ...parent.options, jobId: bullJobIds.job(jobId) },
        children: Array.from({ length: chunkCount }, (_, seq) => ({
          name: 'normalize-chunk',
          queueName: child.queue,
          data: child.payload.parse({ jobId, seq }),
          opts: { ...child.options, jobId: bullJobIds.chunk(jobId, seq) },
        })),
      });
    },
    close: () => flows.close(),
  };
}
