import { describe, expect, it } from 'vitest';
import {
  desiredWorkers,
  registerDbPoolMetrics,
  registerQueueMetrics,
  registerWorkerRuntimeMetrics,
} from './collectors.ts';
import { createMetricsRegistry } from './registry.ts';
import { createWorkerMetrics } from './worker-metrics.ts';

/** The states the queue package reads (test data: this package does not know BullMQ). */
const STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'failed',
  'completed',
];

const series = (text: string, name: string) =>
  text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));

describe('queue metrics', () => {
  it('reports every state of every queue, missing states as 0, read at scrape time', async () => {
    const registry = createMetricsRegistry('api');
    let waiting = 3;
    registerQueueMetrics(registry, STATES, async () => ({
      'sluice-chunks': { waiting, active: 1, completed: 7 },
      'sluice-jobs': { 'waiting-children': 2 },
    }));
    let text = await registry.metrics();
    expect(series(text, 'sluice_queue_jobs')).toHaveLength(14);
    expect(text).toContain(
      'sluice_queue_jobs{queue="sluice-chunks",state="waiting",process="api"} 3',
    );
    expect(text).toContain(
      'sluice_queue_jobs{queue="sluice-chunks",state="failed",process="api"} 0',
    );
    expect(text).toContain(
      'sluice_queue_jobs{queue="sluice-jobs",state="waiting-children",process="api"} 2',
    );
    expect(text).toContain('sluice_queue_counts_up{process="api"} 1');
    waiting = 5;
    text = await registry.metrics();
    expect(text).toContain(
      'sluice_queue_jobs{queue="sluice-chunks",state="waiting",process="api"} 5',
    );
  });

  it('leaves queue series out of the scrape (not fail it) when counts cannot be read', async () => {
    const registry = createMetricsRegistry('api');
    let fail = false;
    registerQueueMetrics(registry, STATES, () =>
      fail
        ? Promise.reject(new Error('Connection is closed'))
        : Promise.resolve({ 'sluice-chunks': { waiting: 1 } }),
    );
    expect(series(await registry.metrics(), 'sluice_queue_jobs')).toHaveLength(7);
    fail = true;
    const text = await registry.metrics();
    expect(series(text, 'sluice_queue_jobs')).toEqual([]);
    expect(text).toContain('sluice_queue_counts_up{process="api"} 0');
  });

  it('gives up on counts that do not arrive in time', async () => {
    const registry = createMetricsRegistry('worker');
    registerQueueMetrics(registry, STATES, () => new Promise(() => {}), { timeoutMs: 50 });
    const text = await registry.metrics();
    expect(series(text, 'sluice_queue_jobs')).toEqual([]);
    expect(text).toContain('sluice_queue_counts_up{process="worker"} 0');
  });
});

describe('desired workers', () => {
  it('is the chunk backlog, active chunks included, over the chunks per worker, rounded up', () => {
    expect(desiredWorkers(undefined, 4)).toBe(0);
    expect(desiredWorkers({ completed: 90, failed: 3, 'waiting-children': 5 }, 4)).toBe(0);
    // Every chunk taken: waiting is 0, yet 8 chunks keep 2 workers busy.
    expect(desiredWorkers({ waiting: 0, active: 8 }, 4)).toBe(2);
    expect(desiredWorkers({ waiting: 1 }, 4)).toBe(1);
    expect(desiredWorkers({ waiting: 5, prioritized: 2, delayed: 1, active: 1 }, 4)).toBe(3);
    expect(desiredWorkers({ waiting: 9 }, 1)).toBe(9);
  });

  it('is exported, from the scrape-time counts, only when a policy is given', async () => {
    const registry = createMetricsRegistry('api');
    let waiting = 10;
    let fail = false;
    registerQueueMetrics(
      registry,
      STATES,
      () =>
        fail
          ? Promise.reject(new Error('Connection is closed'))
          : Promise.resolve({
              'sluice-chunks': { waiting, active: 2 },
              'sluice-jobs': { waiting: 100 },
            }),
      { desiredWorkers: { queue: 'sluice-chunks', chunksPerWorker: 4 } },
    );
    expect(await registry.metrics()).toContain(
      'sluice_desired_workers{queue="sluice-chunks",process="api"} 3',
    );
    waiting = 0;
    expect(await registry.metrics()).toContain(
      'sluice_desired_workers{queue="sluice-chunks",process="api"} 1',
    );
    // Unreadable counts: no number at all (an autoscaler falls back), never a false 0.
    fail = true;
    expect(series(await registry.metrics(), 'sluice_desired_workers')).toEqual([]);

    const worker = createMetricsRegistry('worker');
    registerQueueMetrics(worker, STATES, async () => ({ 'sluice-chunks': { waiting: 9 } }));
    expect(series(await worker.metrics(), 'sluice_desired_workers')).toEqual([]);
  });
});

describe('database pool metrics', () => {
  it('reports total, idle and waiting connections', async () => {
    const registry = createMetricsRegistry('worker');
    registerDbPoolMetrics(registry, () => ({ total: 4, idle: 1, waiting: 2 }));
    const text = await registry.metrics();
    expect(series(text, 'sluice_db_pool_connections')).toEqual([
      'sluice_db_pool_connections{state="total",process="worker"} 4',
      'sluice_db_pool_connections{state="idle",process="worker"} 1',
      'sluice_db_pool_connections{state="waiting",process="worker"} 2',
    ]);
  });
});

describe('worker runtime metrics', () => {
  it('reports up, pool utilization and queue size, and each answering thread heap', async () => {
    const registry = createMetricsRegistry('worker');
    let consuming = true;
    registerWorkerRuntimeMetrics(registry, {
      isConsuming: () => consuming,
      pool: () => ({ utilization: 0.25, queueSize: 3 }),
      threadHeaps: async () => [1000, undefined, 3000],
    });
    let text = await registry.metrics();
    expect(text).toContain('sluice_worker_up{process="worker"} 1');
    expect(text).toContain('sluice_worker_pool_utilization{process="worker"} 0.25');
    expect(text).toContain('sluice_worker_pool_queue_size{process="worker"} 3');
    expect(series(text, 'sluice_worker_thread_heap_bytes')).toEqual([
      'sluice_worker_thread_heap_bytes{thread="0",process="worker"} 1000',
      'sluice_worker_thread_heap_bytes{thread="2",process="worker"} 3000',
    ]);
    consuming = false;
    text = await registry.metrics();
    expect(text).toContain('sluice_worker_up{process="worker"} 0');
  });

  it('counts normalized values by column type', async () => {
    const registry = createMetricsRegistry('worker');
    const metrics = createWorkerMetrics(registry);
    metrics.rowsNormalized.inc({ type: 'email' }, 4);
    metrics.rowsNormalized.inc({ type: 'email' }, 2);
    expect(await registry.metrics()).toContain(
      'sluice_rows_normalized_total{type="email",process="worker"} 6',
    );
  });
});
