export type {
  FinalizeJobPayload,
  JobName,
  NormalizeChunkPayload,
  QueueName,
} from './catalog.ts';
export {
  bullJobIds,
  finalizeJobPayload,
  jobCatalog,
  normalizeChunkPayload,
  QUEUE_NAMES,
} from './catalog.ts';
export type { ConnectionOptions } from './connections.ts';
export { createProducerConnection, createWorkerConnection } from './connections.ts';
export type { EnqueueOptions, JobProducer } from './producer.ts';
export { createJobProducer } from './producer.ts';
export type { JobCountState, QueueCounter, QueueCounts } from './queue-counts.ts';
export { createQueueCounter, JOB_COUNT_STATES } from './queue-counts.ts';
