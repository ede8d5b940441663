import { readFileSync } from 'node:fs';
import { findFreePort } from '@sluice/local-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiPost, getText, type JobBody, submitCsv, waitForJob } from '../support/client.ts';
import { sample } from '../support/metrics-text.ts';
import { type Stack, startStack } from '../support/stack.ts';

// Issue 17's timings and counts, read from the real /metrics of the API and
// of a worker after real work: a normalize job, an import (its merge), job
// status reads (the cache), and the request headers and log lines.

const SAMPLE = readFileSync(new URL('../fixtures/contacts-sample.csv', import.meta.url));
const ADMIN_USER = 'e2e-ops-admin';
const ADMIN_PASSWORD = 'operations metrics admin';
const POOL_SIZE = 7;
/** The statement kinds and named units the query metrics may carry: a bounded set. */
const OPERATIONS = [
  'select',
  'insert',
  'update',
  'delete',
  'copy',
  'transaction',
  'other',
  'merge',
];

let stack: Stack;
let workerMetricsUrl: string;
let normalized: JobBody;
let imported: JobBody;

/** Every value of `label` among the series of `name`. */
function labelValues(text: string, name: string, label: string): Set<string> {
  const values = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const value = new RegExp(`${label}="([^"]*)"`).exec(line)?.[1];
    if (value !== undefined) values.add(value);
  }
  return values;
}

beforeAll(async () => {
  const metricsPort = await findFreePort();
  workerMetricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  stack = await startStack({
    queuePrefix: '{e2e-ops-metrics}',
    env: {
      DATABASE_POOL_SIZE: String(POOL_SIZE),
      // Every request of this file is slower than 1 ms but the ones the
      // test reads: a submission certainly is (it writes to PostgreSQL).
      SLOW_REQUEST_MS: '1',
      ADMIN_USER,
      ADMIN_PASSWORD,
    },
    workerEnv: { METRICS_PORT: String(metricsPort), WORKER_THREADS: '1' },
  });
  const submitted = await submitCsv(stack.apiUrl, SAMPLE, '?filename=sample.csv');
  normalized = await waitForJob(stack.apiUrl, submitted.id);
  expect(normalized.status).toBe('completed');
  const dataset = await apiPost(stack.apiUrl, '/v1/datasets', {
    name: 'ops_contacts',
    columns: [
      { name: 'name', type: 'name' },
      { name: 'email', type: 'email', required: true },
      { name: 'phone', type: 'phone' },
      { name: 'birth_date', type: 'date' },
      { name: 'country', type: 'country' },
      { name: 'postal_code', type: 'postal_code' },
      { name: 'state', type: 'region' },
      { name: 'employer', type: 'company' },
      { name: 'balance', type: 'currency' },
      { name: 'subscribed', type: 'boolean' },
    ],
    key: ['email'],
  });
  expect(dataset.status).toBe(201);
  const importing = await submitCsv(stack.apiUrl, SAMPLE, '?type=import&dataset=ops_contacts');
  imported = await waitForJob(stack.apiUrl, importing.id);
  expect(imported.status, imported.error ?? '').toBe('completed');
  // A final job's status: stored in the cache by the last read, then a hit.
  expect((await fetch(`${stack.apiUrl}/v1/jobs/${imported.id}`)).headers.get('x-cache')).toBe(
    'HIT',
  );
});

afterAll(async () => {
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

describe('API /metrics after real work', () => {
  it('times its statements by operation and outcome, its cache calls, and knows its pool', async () => {
    const { body } = await getText(`${stack.apiUrl}/metrics`);
    for (const operation of ['select', 'insert', 'update']) {
      expect(
        sample(body, 'sluice_db_queries_total', { operation, outcome: 'ok', process: 'api' }),
        operation,
      ).toBeGreaterThan(0);
      expect(
        sample(body, 'sluice_db_query_duration_seconds_count', { operation, outcome: 'ok' }),
        operation,
      ).toBeGreaterThan(0);
    }
    expect(
      sample(body, 'sluice_db_query_duration_seconds_bucket', {
        operation: 'select',
        outcome: 'ok',
        le: '+Inf',
      }),
    ).toBe(sample(body, 'sluice_db_queries_total', { operation: 'select', outcome: 'ok' }));
    for (const operation of labelValues(body, 'sluice_db_queries_total', 'operation')) {
      expect(OPERATIONS).toContain(operation);
    }
    expect(labelValues(body, 'sluice_db_queries_total', 'outcome').size).toBeLessThanOrEqual(2);
    expect(sample(body, 'sluice_db_pool_max', { process: 'api' })).toBe(POOL_SIZE);
    expect(sample(body, 'sluice_db_connection_errors_total')).toBe(0);
    expect(
      sample(body, 'sluice_cache_operation_duration_seconds_count', { operation: 'get' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(body, 'sluice_cache_operation_duration_seconds_count', { operation: 'set' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(body, 'sluice_cache_requests_total', { result: 'hit' })).toBeGreaterThanOrEqual(
      1,
    );
    expect(sample(body, 'sluice_breaker_failures_total', { dependency: 'postgres' })).toBe(0);
    expect(sample(body, 'sluice_breaker_failures_total', { dependency: 'redis' })).toBe(0);
  });
});

describe('worker /metrics after real work', () => {
  it('times its statements, the import merge as `merge`, whole jobs and merges, and errors by column type', async () => {
    const { body } = await getText(workerMetricsUrl);
    expect(
      sample(body, 'sluice_db_queries_total', {
        operation: 'merge',
        outcome: 'ok',
        process: 'worker',
      }),
    ).toBeGreaterThan(0);
    expect(
      sample(body, 'sluice_db_queries_total', { operation: 'update', outcome: 'ok' }),
    ).toBeGreaterThan(0);
    for (const operation of labelValues(body, 'sluice_db_queries_total', 'operation')) {
      expect(OPERATIONS).toContain(operation);
    }
    expect(sample(body, 'sluice_db_pool_max', { process: 'worker' })).toBe(POOL_SIZE);
    expect(sample(body, 'sluice_db_connection_errors_total')).toBe(0);
    for (const type of ['normalize', 'import']) {
      expect(
        sample(body, 'sluice_job_duration_seconds_count', { type, outcome: 'completed' }),
        type,
      ).toBe(1);
      const seconds = sample(body, 'sluice_job_duration_seconds_sum', {
        type,
        outcome: 'completed',
      });
      expect(seconds, type).toBeGreaterThan(0);
    }
    expect(sample(body, 'sluice_import_merge_duration_seconds_count')).toBe(1);
    expect(sample(body, 'sluice_import_merge_duration_seconds_sum')).toBeGreaterThan(0);
    // contacts-sample.csv's "X" row has no valid email: once per job.
    expect(
      sample(body, 'sluice_normalization_errors_total', {
        code: 'invalid_email',
        column_type: 'email',
      }),
    ).toBe(2);
    for (const columnType of labelValues(
      body,
      'sluice_normalization_errors_total',
      'column_type',
    )) {
      expect(columnType).toMatch(/^[a-z_]+$/);
    }
    expect(sample(body, 'sluice_breaker_failures_total', { dependency: 'postgres' })).toBe(0);
  });
});

describe('Bull Board', () => {
  it("shows a finished job's finalize parent at 100 % (its chunks reported progress)", async () => {
    const res = await fetch(
      `${stack.apiUrl}/admin/queues/api/queues/sluice-jobs/job-${imported.id}`,
      {
        headers: {
          authorization: `Basic ${Buffer.from(`${ADMIN_USER}:${ADMIN_PASSWORD}`).toString('base64')}`,
        },
      },
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { job: { progress: unknown } };
    expect(body.job.progress).toBe(100);
  });
});

describe('response time', () => {
  it('is on every response: success, problem, health, metrics, the web app', async () => {
    const responses = await Promise.all([
      fetch(`${stack.apiUrl}/health/live`),
      fetch(`${stack.apiUrl}/v1/jobs/${normalized.id}`),
      fetch(`${stack.apiUrl}/v1/jobs/00000000-0000-4000-8000-000000000000`),
      fetch(`${stack.apiUrl}/no/such/route`),
      fetch(`${stack.apiUrl}/metrics`),
      fetch(`${stack.apiUrl}/openapi.json`),
    ]);
    for (const res of responses) {
      expect(res.headers.get('x-response-time'), res.url).toMatch(/^\d+\.\d{3}ms$/);
      await res.body?.cancel();
    }
    expect(responses.map((r) => r.status)).toEqual([200, 200, 404, 404, 200, 200]);
  });

  it('logs requests slower than SLOW_REQUEST_MS at warn, with their route and time', async () => {
    const submitted = await submitCsv(stack.apiUrl, SAMPLE, '?filename=slow.csv');
    await stack.api.waitForOutput(/"msg":"slow request"/, 10_000);
    const slow = stack.api
      .output()
      .split('\n')
      .filter((l) => l.includes('"msg":"slow request"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(slow).toContainEqual(
      expect.objectContaining({
        level: expect.anything(),
        method: 'POST',
        route: '/v1/jobs',
        status: '202',
        thresholdMs: 1,
        ms: expect.any(Number),
        requestId: expect.any(String),
      }),
    );
    await waitForJob(stack.apiUrl, submitted.id);
  });
});

describe('GET /health and /health/db', () => {
  it('/health shows the pool max, its utilization and a query round trip', async () => {
    const res = await fetch(`${stack.apiUrl}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      database: { latencyMs: number; pool: { max: number; utilization: number; total: number } };
    };
    expect(body.database.pool.max).toBe(POOL_SIZE);
    expect(body.database.pool.utilization).toBeGreaterThanOrEqual(0);
    expect(body.database.pool.utilization).toBeLessThanOrEqual(1);
    expect(body.database.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('/health/db answers 200 with the round trip and the pool while PostgreSQL answers', async () => {
    const res = await fetch(`${stack.apiUrl}/health/db`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toMatchObject({
      status: 'ok',
      latencyMs: expect.any(Number),
      pool: {
        max: POOL_SIZE,
        total: expect.any(Number),
        idle: expect.any(Number),
        waiting: 0,
        utilization: expect.any(Number),
      },
    });
  });
});
