import { readdirSync, readFileSync } from 'node:fs';
import { findFreePort } from '@sluice/local-services';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { getText, submitCsv, waitForJob } from '../support/client.ts';
import { sample } from '../support/metrics-text.ts';
import { type Stack, startStack } from '../support/stack.ts';

const SAMPLE = new URL('../fixtures/contacts-sample.csv', import.meta.url);

let stack: Stack;
let workerMetricsUrl: string;

beforeAll(async () => {
  const metricsPort = await findFreePort();
  workerMetricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  stack = await startStack({
    queuePrefix: '{e2e-metrics}',
    workerEnv: { METRICS_PORT: String(metricsPort), WORKER_THREADS: '2' },
  });
  const submitted = await submitCsv(stack.apiUrl, readFileSync(SAMPLE), '?filename=sample.csv');
  const job = await waitForJob(stack.apiUrl, submitted.id);
  expect(job.status).toBe('completed');
});

afterAll(async () => {
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

describe('API /metrics', () => {
  it('reports queue depth per queue and state, and the database pool', async () => {
    const { status, type, body } = await getText(`${stack.apiUrl}/metrics`);
    expect(status).toBe(200);
    expect(type).toContain('text/plain');
    for (const queue of ['sluice-chunks', 'sluice-jobs']) {
      for (const state of ['waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed']) {
        expect(sample(body, 'sluice_queue_jobs', { queue, state, process: 'api' })).toBeTypeOf(
          'number',
        );
      }
    }
    expect(
      sample(body, 'sluice_queue_jobs', { queue: 'sluice-chunks', state: 'completed' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(body, 'sluice_queue_jobs', { queue: 'sluice-chunks', state: 'failed' })).toBe(0);
    expect(sample(body, 'sluice_db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(
      1,
    );
    expect(sample(body, 'sluice_db_pool_connections', { state: 'idle' })).toBeTypeOf('number');
    expect(sample(body, 'sluice_db_pool_connections', { state: 'waiting' })).toBe(0);
  });
});

describe('worker /metrics', () => {
  it('reports process and thread memory, pool utilization, liveness and values by type', async () => {
    const { status, body } = await getText(workerMetricsUrl);
    expect(status).toBe(200);
    expect(sample(body, 'sluice_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sample(body, 'sluice_worker_up', { process: 'worker' })).toBe(1);
    expect(sample(body, 'sluice_worker_thread_heap_bytes', { thread: '0' })).toBeGreaterThan(0);
    expect(sample(body, 'sluice_worker_thread_heap_bytes', { thread: '1' })).toBeGreaterThan(0);
    const utilization = sample(body, 'sluice_worker_pool_utilization');
    expect(utilization).toBeGreaterThanOrEqual(0);
    expect(utilization).toBeLessThanOrEqual(1);
    expect(sample(body, 'sluice_worker_pool_queue_size')).toBe(0);
    // contacts-sample.csv: 8 rows, one email column.
    expect(sample(body, 'sluice_rows_normalized_total', { type: 'email' })).toBeGreaterThanOrEqual(
      1,
    );
    expect(
      sample(body, 'sluice_queue_jobs', { queue: 'sluice-chunks', state: 'completed' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(body, 'sluice_db_pool_connections', { state: 'total' })).toBeTypeOf('number');
  });
});

describe('GET /health', () => {
  it('details the database pool, Redis, queues, memory, uptime and version', async () => {
    const res = await fetch(`${stack.apiUrl}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      memory: { rss: number };
      queues: Record<string, Record<string, number>>;
    };
    expect(body).toMatchObject({
      status: 'ok',
      version: expect.any(String),
      uptimeSeconds: expect.any(Number),
      memory: { rss: expect.any(Number), heapUsed: expect.any(Number) },
      database: {
        ok: true,
        latencyMs: expect.any(Number),
        pool: { total: expect.any(Number), idle: expect.any(Number), waiting: 0 },
      },
      redis: {
        ok: true,
        mode: 'standalone',
        // The one Redis (REDIS_URL) is the server in use.
        primary: new URL(inject('redisUrl')).host,
        pingMs: expect.any(Number),
      },
    });
    expect(body.memory.rss).toBeGreaterThan(0);
    for (const queue of ['sluice-chunks', 'sluice-jobs']) {
      expect(Object.keys(body.queues[queue] ?? {}).sort()).toEqual([
        'active',
        'completed',
        'delayed',
        'failed',
        'prioritized',
        'waiting',
        'waiting-children',
      ]);
    }
    expect(body.queues['sluice-chunks']?.completed).toBeGreaterThanOrEqual(1);
  });
});

describe('what operators read', () => {
  /** Metric names a /metrics text declares (its `# TYPE` lines, present before any sample). */
  const declared = (text: string) =>
    new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));

  it('the dashboard, the recording and alert rules and the metric docs name only metrics API or worker export', async () => {
    const exported = new Set([
      ...declared((await getText(`${stack.apiUrl}/metrics`)).body),
      ...declared((await getText(workerMetricsUrl)).body),
    ]);
    // A histogram's series carry suffixes its TYPE line does not.
    const base = (name: string) => name.replace(/_(bucket|sum|count)$/, '');
    for (const file of [
      'docker/grafana/dashboards/sluice.json',
      'docker/prometheus/alerts.yml',
      'docker/prometheus/recording.yml',
      'docker/prometheus/README.md',
      'docs/operations.md',
    ]) {
      const text = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
      const named = new Set([...text.matchAll(/\bsluice_[a-z0-9_]+\b/g)].map((m) => m[0]));
      expect(named.size, file).toBeGreaterThan(3);
      const unknown = [...named].filter((n) => !exported.has(n) && !exported.has(base(n)));
      expect(unknown, file).toEqual([]);
    }
  });

  /**
   * The metrics issue 17 added (operators' timings and counts; alert rules
   * are written against exactly these names): each declared by the API or
   * a worker, and read by the dashboard or a rule file (alerts, recording
   * rules): a metric nobody looks at is one nobody notices missing.
   */
  const OPERATIONS_METRICS = [
    'sluice_db_queries_total',
    'sluice_db_query_duration_seconds',
    'sluice_db_pool_max',
    'sluice_db_connection_errors_total',
    'sluice_cache_operation_duration_seconds',
    'sluice_job_duration_seconds',
    'sluice_import_merge_duration_seconds',
    'sluice_breaker_failures_total',
  ];

  it('every operations metric is declared and appears in the dashboard or a rule', async () => {
    const exported = new Set([
      ...declared((await getText(`${stack.apiUrl}/metrics`)).body),
      ...declared((await getText(workerMetricsUrl)).body),
    ]);
    const prometheusDir = new URL('../../docker/prometheus/', import.meta.url);
    const read = [
      readFileSync(new URL('../../docker/grafana/dashboards/sluice.json', import.meta.url), 'utf8'),
      // Every rule file (alerts, recording rules); not the scrape config or the rules' tests.
      ...readdirSync(prometheusDir)
        .filter((f) => /\.ya?ml$/.test(f) && f !== 'prometheus.yml' && !f.includes('.test.'))
        .map((f) => readFileSync(new URL(f, prometheusDir), 'utf8')),
    ].join('\n');
    for (const name of OPERATIONS_METRICS) {
      expect(exported.has(name), `${name} declared`).toBe(true);
      expect(new RegExp(`\\b${name}(_bucket|_sum|_count)?\\b`).test(read), `${name} read`).toBe(
        true,
      );
    }
  });
});
