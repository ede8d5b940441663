import { withTimeout } from '@sluice/util';
import { Counter, Gauge, type Registry } from 'prom-client';

/** Job counts by queue name, then by state (as BullMQ's `Queue.getJobCounts()` returns them). */
export type QueueJobCounts = Record<string, Partial<Record<string, number>>>;

/**
 * How `sluice_desired_workers` is derived: the chunk backlog of `queue`
 * (waiting, prioritized, delayed and active chunks) over the chunks one
 * worker should have at a time.
 */
interface DesiredWorkersPolicy {
  queue: string;
  chunksPerWorker: number;
}

/**
 * Workers the chunk backlog needs: ceil(backlog / chunksPerWorker), 0 when
 * idle. Active chunks count: a chunk leaves the waiting list as soon as a
 * worker takes it, so waiting alone would scale workers down while they are
 * still busy. Bounds (at least one worker for webhooks and the reconciler, a
 * ceiling for PostgreSQL's connections) are the autoscaler's, not this
 * number's: see docs/operations.md.
 */
export function desiredWorkers(
  byState: Partial<Record<string, number>> | undefined,
  chunksPerWorker: number,
): number {
  const backlog = BACKLOG_STATES.reduce((sum, state) => sum + (byState?.[state] ?? 0), 0);
  return Math.ceil(backlog / chunksPerWorker);
}

/** BullMQ states of a chunk that still needs (or has) a worker. */
const BACKLOG_STATES = ['waiting', 'prioritized', 'delayed', 'active'] as const;

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
  /** The configured maximum (DATABASE_POOL_SIZE), when the caller knows it. */
  max?: number;
}

/**
 * `sluice_queue_jobs{queue,state}`, read on every scrape through `getCounts`
 * (the caller's BullMQ `getJobCounts()` per queue; this package does not talk
 * to Redis itself). When the counts cannot be read the series are left out of
 * that scrape rather than failing it, and `sluice_queue_counts_up` says 0.
 */
export function registerQueueMetrics(
  registry: Registry,
  /** Every state to report (a bounded label set); a state missing from a read counts 0. */
  states: readonly string[],
  getCounts: () => Promise<QueueJobCounts>,
  options: { timeoutMs?: number; desiredWorkers?: DesiredWorkersPolicy } = {},
): void {
  // Both gauges are collected in parallel on each scrape: they share one read
  // (which also coalesces concurrent scrapes). It answers in time or not at
  // all: a scrape must not hang on Redis.
  let reading: Promise<QueueJobCounts | undefined> | undefined;
  const read = () => {
    reading ??= withTimeout(getCounts(), options.timeoutMs ?? 2_000)
      .catch(() => undefined)
      .finally(() => {
        reading = undefined;
      });
    return reading;
  };
  new Gauge({
    name: 'sluice_queue_jobs',
    help: 'BullMQ jobs per queue and state, read at scrape time',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      const counts = await read();
      if (!counts) return;
      for (const [queue, byState] of Object.entries(counts)) {
        for (const state of states) {
          this.set({ queue, state }, byState[state] ?? 0);
        }
      }
    },
  });
  const policy = options.desiredWorkers;
  if (policy) {
    new Gauge({
      name: 'sluice_desired_workers',
      help: 'Workers the chunk backlog (waiting + prioritized + delayed + active chunks) needs at WORKER_TARGET_CHUNKS_PER_WORKER each; what autoscalers scale workers on',
      // Labelled (by the queue it reads) so that an unreadable scrape has no
      // series at all: an unlabelled gauge would report a false 0.
      labelNames: ['queue'],
      registers: [registry],
      async collect() {
        this.reset();
        const counts = await read();
        if (!counts) return;
        this.set(
          { queue: policy.queue },
          desiredWorkers(counts[policy.queue], policy.chunksPerWorker),
        );
      },
    });
  }
  new Gauge({
    name: 'sluice_queue_counts_up',
    help: '1 when this scrape could read the BullMQ job counts, else 0',
    registers: [registry],
    async collect() {
      this.set((await read()) ? 1 : 0);
    },
  });
}

/** `sluice_db_pool_connections{state="total|idle|waiting"}` from a pg.Pool's counters. */
export function registerDbPoolMetrics(registry: Registry, getStats: () => PoolStats): void {
  new Gauge({
    name: 'sluice_db_pool_connections',
    help: 'PostgreSQL pool: open connections (total), idle ones, and queries waiting for one',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const stats = getStats();
      this.set({ state: 'total' }, stats.total);
      this.set({ state: 'idle' }, stats.idle);
      this.set({ state: 'waiting' }, stats.waiting);
    },
  });
}

export interface WorkerRuntimeSources {
  /** True while the process consumes chunks (workers running, Redis connected, not stopping). */
  isConsuming(): boolean;
  /** The piscina pool's utilization (0..1) and queued tasks. */
  pool(): { utilization: number; queueSize: number };
  /** Used V8 heap of each pool thread, by thread index (undefined: thread did not answer). */
  threadHeaps(): Promise<Array<number | undefined>>;
}

/** Per-process worker gauges, all read at scrape time. */
export function registerWorkerRuntimeMetrics(
  registry: Registry,
  sources: WorkerRuntimeSources,
): void {
  new Gauge({
    name: 'sluice_worker_up',
    help: '1 while the worker consumes jobs, 0 when it is alive but not consuming',
    registers: [registry],
    collect() {
      this.set(sources.isConsuming() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'sluice_worker_pool_utilization',
    help: 'piscina thread pool utilization (0..1: share of thread time spent running tasks)',
    registers: [registry],
    collect() {
      this.set(sources.pool().utilization);
    },
  });
  new Gauge({
    name: 'sluice_worker_pool_queue_size',
    help: 'Chunks waiting for a free piscina thread',
    registers: [registry],
    collect() {
      this.set(sources.pool().queueSize);
    },
  });
  new Gauge({
    name: 'sluice_worker_thread_heap_bytes',
    help: 'Used V8 heap of each piscina thread, by thread index',
    labelNames: ['thread'],
    registers: [registry],
    async collect() {
      this.reset();
      let heaps: Array<number | undefined>;
      try {
        heaps = await withTimeout(sources.threadHeaps(), 2_000);
      } catch {
        return;
      }
      heaps.forEach((bytes, index) => {
        if (bytes !== undefined) this.set({ thread: String(index) }, bytes);
      });
    },
  });
}

/** A circuit breaker's state as the breakers package reports it. */
export type BreakerStateName = 'closed' | 'open' | 'half_open';

/** The gauge's value per state: ordered so that `max(...) == 2` means "some process refuses calls". */
const BREAKER_STATE_VALUES: Record<BreakerStateName, number> = {
  closed: 0,
  half_open: 1,
  open: 2,
};

/**
 * `sluice_breaker_state{dependency}`: 0 closed, 1 half-open, 2 open, read at
 * scrape time from `getStates` (the process' breakers by dependency name).
 * `sluice_breaker_refusals_total{dependency}`: calls refused without trying
 * the dependency (503 at the API, jobs handed back by a worker), read from
 * `getRefusals` (counts since the process started).
 * `sluice_breaker_failures_total{dependency}`: calls that failed and counted
 * toward opening, from `getFailures`.
 */
export function registerBreakerMetrics(
  registry: Registry,
  getStates: () => Record<string, BreakerStateName>,
  getRefusals: () => Record<string, number>,
  /** Calls that failed and counted toward opening, by dependency (counts since start). */
  getFailures: () => Record<string, number>,
): void {
  new Counter({
    name: 'sluice_breaker_failures_total',
    help: 'Calls through a circuit breaker that failed with an outage error (counted toward opening it; the probes included)',
    labelNames: ['dependency'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [dependency, count] of Object.entries(getFailures())) {
        this.inc({ dependency }, count);
      }
    },
  });
  new Counter({
    name: 'sluice_breaker_refusals_total',
    help: 'Calls refused by an open circuit breaker without trying the dependency',
    labelNames: ['dependency'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [dependency, count] of Object.entries(getRefusals())) {
        this.inc({ dependency }, count);
      }
    },
  });
  new Gauge({
    name: 'sluice_breaker_state',
    help: 'Circuit breaker state per dependency: 0 closed, 1 half-open, 2 open (calls refused)',
    labelNames: ['dependency'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [dependency, state] of Object.entries(getStates())) {
        this.set({ dependency }, BREAKER_STATE_VALUES[state]);
      }
    },
  });
}
