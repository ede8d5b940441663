export type { Registry } from 'prom-client';
export type { ApiMetrics } from './api-metrics.ts';
export { createApiMetrics } from './api-metrics.ts';
export type {
  BreakerStateName,
  PoolStats,
  QueueJobCounts,
  WorkerRuntimeSources,
} from './collectors.ts';
export {
  registerBreakerMetrics,
  registerDbPoolMetrics,
  registerQueueMetrics,
  registerWorkerRuntimeMetrics,
} from './collectors.ts';
export type { DbQueryObserver } from './db-metrics.ts';
export { registerDbMetrics } from './db-metrics.ts';
export { createMetricsRegistry } from './registry.ts';
export { isAuthorizedScrape } from './scrape-token.ts';
export type { WorkerMetrics } from './worker-metrics.ts';
export { createWorkerMetrics } from './worker-metrics.ts';
