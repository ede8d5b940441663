/**
 * @sluice/queue: everything BullMQ and Redis. The job catalog (names,
 * queues, payload schemas, options), the producer side (one flow per job),
 * the consumer side (one Worker per job name, payloads parsed through the
 * catalog, hand-back without using an attempt), the reconciler's flow
 * inspection, queue depth, connections, the job-change signal of the event
 * streams (pub/sub), the webhook delivery queue and the Redis error classifier.
 */
export type {
  DeliverWebhookPayload,
  FinalizeJobPayload,
  JobName,
  JobPayload,
  NormalizeChunkPayload,
  QueueName,
} from './catalog.ts';
export {
  bullJobIds,
  finalizeJobPayload,
  jobCatalog,
  jobStatusCacheKey,
  normalizeChunkPayload,
  QUEUE_NAMES,
} from './catalog.ts';
export type {
  ConnectionOptions,
  RedisAddress,
  RedisConnection,
  RedisTarget,
} from './connections.ts';
export { createProducerConnection, createWorkerConnection } from './connections.ts';
export type {
  AttemptFailure,
  AttemptFailureOf,
  ConsumerEvents,
  ConsumerSettings,
  Consumers,
  JobAttempt,
  JobHandlers,
} from './consumers.ts';
export { createConsumers, HandBack } from './consumers.ts';
export type { FlowProgress } from './flow-progress.ts';
export { createFlowProgress } from './flow-progress.ts';
export type { FlowInspector, FlowView } from './flows.ts';
export { createFlowInspector } from './flows.ts';
export type { JobChangeListener, JobChangeListenerOptions } from './job-changes.ts';
export { createJobChangeListener, publishJobChange } from './job-changes.ts';
export type { EnqueueOptions, JobProducer } from './producer.ts';
export { createJobProducer } from './producer.ts';
export type { JobCountState, QueueCounter, QueueCounts } from './queue-counts.ts';
export { createQueueCounter, JOB_COUNT_STATES } from './queue-counts.ts';
export { isRedisConnectionError } from './redis-errors.ts';
export type { RedisTopology } from './redis-topology.ts';
export { describeRedis } from './redis-topology.ts';
export { schedulePurge } from './schedules.ts';
export type { DeliveryRound, WebhookDeliveryQueue } from './webhook-deliveries.ts';
export { createWebhookDeliveryQueue } from './webhook-deliveries.ts';
