import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort, type ServiceHandle, startPostgres } from '@sluice/local-services';
import { afterAll, beforeAll, expect, it } from 'vitest';
import prepareDatabase from '../harness/prepare-database.ts';
import { getText, type JobBody, postStream, submitCsv, waitForJob } from '../support/client.ts';
import { generateContactsCsv } from '../support/generate-contacts.ts';
import { sample } from '../support/metrics-text.ts';
import { type Stack, startStack } from '../support/stack.ts';

// PostgreSQL goes down under a running Sluice and comes back. The circuit
// breakers make the API answer 503 (fast, once open) and the worker pause
// instead of burning its chunks' attempts; both recover by themselves, and
// no job, in flight or new, is lost or failed.
//
// A DEDICATED PostgreSQL (stopping the harness' one would disturb other
// files); the harness' Redis with this file's own queue prefix.

const SAMPLE = readFileSync(new URL('../fixtures/contacts-sample.csv', import.meta.url));
const RESET_MS = 1_000;

let dir: string;
let postgres: ServiceHandle;
let stack: Stack;
let workerMetricsUrl: string;

/** Polls `probe` until it returns true; fails with the last value seen. */
async function until(what: string, probe: () => Promise<unknown>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      last = await probe();
      if (last === true) return;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${timeoutMs} ms (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function post(csv: Buffer): Promise<{ status: number; headers: Headers; body: string }> {
  const res = await fetch(`${stack.apiUrl}/v1/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: csv,
  });
  const body = await res.text();
  return { status: res.status, headers: res.headers, body };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-pg-outage-'));
  postgres = await startPostgres({ dataDir: join(dir, 'postgres'), durable: false });
  await prepareDatabase(postgres.url);
  const metricsPort = await findFreePort();
  workerMetricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  stack = await startStack({
    queuePrefix: '{e2e-pg-outage}',
    env: {
      DATABASE_URL: postgres.url,
      CHUNK_BYTES: '8KB',
      BREAKER_RESET_TIMEOUT_MS: String(RESET_MS),
      // Keys are checked again after 200 ms: during the outage the test's
      // key authenticates from its last check, not from PostgreSQL.
      API_KEY_TRUST_MS: '200',
    },
    workerEnv: {
      METRICS_PORT: String(metricsPort),
      WORKER_THREADS: '1',
      WORKER_CONCURRENCY: '1',
    },
  });
});

afterAll(async () => {
  const codes = await stack?.stop();
  await postgres?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  expect(codes).toEqual([0, 0]);
});

it('answers 503 while PostgreSQL is down, pauses the worker, and recovers by itself without losing a job', async () => {
  // Before: everything works.
  const before = await submitCsv(stack.apiUrl, SAMPLE, '?filename=before.csv');
  expect((await waitForJob(stack.apiUrl, before.id)).status).toBe('completed');

  // A job with many small chunks, in flight when PostgreSQL goes away.
  const rows = 30_000;
  const res = await postStream(`${stack.apiUrl}/v1/jobs`, generateContactsCsv(rows, 5), {
    'content-type': 'text/csv',
  });
  expect(res.status, res.body).toBe(202);
  const inFlight = JSON.parse(res.body) as JobBody;
  expect(inFlight.progress.chunksTotal).toBeGreaterThan(100);

  await postgres.stop();

  // Readiness says so at once.
  await until(
    'ready is 503',
    async () => (await fetch(`${stack.apiUrl}/health/ready`)).status === 503,
    10_000,
  );
  const ready = (await (await fetch(`${stack.apiUrl}/health/ready`)).json()) as {
    status: string;
    checks: Record<string, { ok: boolean }>;
  };
  expect(ready.status).toBe('not_ready');
  expect(ready.checks.postgres?.ok).toBe(false);
  expect(ready.checks.redis?.ok).toBe(true);
  // /health/db asks the database itself (no breaker): 503 problem+json.
  const dbHealth = await fetch(`${stack.apiUrl}/health/db`);
  expect(dbHealth.status).toBe(503);
  expect(dbHealth.headers.get('content-type')).toContain('application/problem+json');
  expect(await dbHealth.json()).toMatchObject({
    code: 'dependency_unavailable',
    dependency: 'postgres',
    error: expect.any(String),
    latencyMs: expect.any(Number),
    pool: { max: 10, waiting: expect.any(Number) },
  });

  // Submissions get 503 problem+json with Retry-After, first from failed
  // connections, then (breaker open) without trying.
  const first = await post(SAMPLE);
  expect(first.status, first.body).toBe(503);
  expect(first.headers.get('content-type')).toContain('application/problem+json');
  expect(JSON.parse(first.body).code).toBe('dependency_unavailable');
  expect(Number(first.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  await until('API postgres breaker open', async () => {
    await post(SAMPLE);
    const health = (await (await fetch(`${stack.apiUrl}/health`)).json()) as {
      breakers: Record<string, string>;
    };
    return health.breakers.postgres === 'open';
  });
  // While open, the API refuses at its edge without trying PostgreSQL (how
  // fast that is, is the breaker-refusal benchmark's business): every one of
  // these requests shows in the refusals counter.
  const refusalsBefore = sample(
    (await getText(`${stack.apiUrl}/metrics`)).body,
    'sluice_breaker_refusals_total',
    { dependency: 'postgres' },
  );
  const refused = [];
  for (let i = 0; i < 5; i++) refused.push(await post(SAMPLE));
  for (const r of refused) {
    expect(r.status, r.body).toBe(503);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    const problem = JSON.parse(r.body) as { code: string; dependency?: string };
    expect(problem.code).toBe('dependency_unavailable');
    expect(problem.dependency).toBe('postgres');
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  }
  const apiMetrics = await getText(`${stack.apiUrl}/metrics`);
  expect(sample(apiMetrics.body, 'sluice_breaker_refusals_total', { dependency: 'postgres' })).toBe(
    (refusalsBefore ?? Number.NaN) + refused.length,
  );
  expect(
    sample(apiMetrics.body, 'sluice_breaker_state', { dependency: 'postgres' }),
  ).toBeGreaterThanOrEqual(1);
  expect(sample(apiMetrics.body, 'sluice_breaker_state', { dependency: 'redis' })).toBe(0);
  // What opened it: failed calls, counted, and the failed connects under them.
  expect(
    sample(apiMetrics.body, 'sluice_breaker_failures_total', { dependency: 'postgres' }),
  ).toBeGreaterThanOrEqual(1);
  expect(sample(apiMetrics.body, 'sluice_breaker_failures_total', { dependency: 'redis' })).toBe(0);
  expect(sample(apiMetrics.body, 'sluice_db_connection_errors_total')).toBeGreaterThanOrEqual(1);

  // A finished job's status is still answered, from the Redis cache (stored
  // by waitForJob's last read); a running job's status needs PostgreSQL: 503.
  const cached = await fetch(`${stack.apiUrl}/v1/jobs/${before.id}`);
  expect(cached.status).toBe(200);
  expect(cached.headers.get('x-cache')).toBe('HIT');
  expect(((await cached.json()) as JobBody).status).toBe('completed');
  const uncached = await fetch(`${stack.apiUrl}/v1/jobs/${inFlight.id}`);
  expect(uncached.status).toBe(503);
  expect(uncached.headers.get('content-type')).toContain('application/problem+json');
  expect(Number(uncached.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(((await uncached.json()) as { code: string }).code).toBe('dependency_unavailable');

  // The worker's breaker opened on its failing chunks: it stopped taking jobs.
  await until('worker breaker open and worker paused', async () => {
    const { body } = await getText(workerMetricsUrl);
    return (
      (sample(body, 'sluice_breaker_state', { dependency: 'postgres' }) ?? 0) >= 1 &&
      sample(body, 'sluice_worker_up') === 0
    );
  });
  const workerMetrics = (await getText(workerMetricsUrl)).body;
  expect(
    sample(workerMetrics, 'sluice_breaker_failures_total', { dependency: 'postgres' }),
  ).toBeGreaterThanOrEqual(1);
  expect(sample(workerMetrics, 'sluice_db_connection_errors_total')).toBeGreaterThanOrEqual(1);
  const worker = stack.workers[0]!;
  expect(worker.output()).toMatch(/circuit breaker for postgres is open/);
  expect(worker.output()).toMatch(/paused: taking no jobs until breakers close/);
  expect(worker.output()).toMatch(
    // A chunk job of the job's flow, or one enqueued while it was uploaded (early).
    new RegExp(`"bullJobId":"(chunk|early)-${inFlight.id}-\\d+"[^\\n]*handed back to the queue`),
  );

  // PostgreSQL comes back: no manual action from here on.
  await postgres.restart();
  await until(
    'ready again',
    async () => (await fetch(`${stack.apiUrl}/health/ready`)).status === 200,
  );
  expect((await fetch(`${stack.apiUrl}/health/db`)).status).toBe(200);
  await until('worker resumed', async () => {
    const { body } = await getText(workerMetricsUrl);
    return (
      sample(body, 'sluice_breaker_state', { dependency: 'postgres' }) === 0 &&
      sample(body, 'sluice_worker_up') === 1
    );
  });

  const after = await submitCsv(stack.apiUrl, SAMPLE, '?filename=after.csv');
  const afterJob = await waitForJob(stack.apiUrl, after.id);
  expect(afterJob.status, afterJob.error ?? '').toBe('completed');
  expect(afterJob.counts.rowsTotal).toBe(8);
  expect((await getText(afterJob.links.result)).body.split('\n').slice(1, -1)).toHaveLength(
    afterJob.counts.rowsAccepted,
  );

  // The job in flight during the outage completes with every row, not failed.
  const job = await waitForJob(stack.apiUrl, inFlight.id, 180_000);
  expect(job.status, job.error ?? '').toBe('completed');
  expect(job.counts.rowsTotal).toBe(rows);
  expect(job.counts.rowsAccepted + job.counts.rowsRejected + job.counts.rowsBlank).toBe(rows);
  expect(job.progress.chunksDone).toBe(job.progress.chunksTotal);
  const lines = (await getText(job.links.result)).body.split('\n').slice(1, -1);
  expect(lines).toHaveLength(job.counts.rowsAccepted);
  const ids = lines.map((line) => Number(line.slice(0, line.indexOf(','))));
  expect(ids.every((n, i) => i === 0 || n > ids[i - 1]!)).toBe(true);
  // No chunk exhausted its attempts on the outage.
  const { body } = await getText(workerMetricsUrl);
  expect(sample(body, 'sluice_queue_jobs', { queue: 'sluice-chunks', state: 'failed' })).toBe(0);
  expect(sample(body, 'sluice_jobs_finished_total', { outcome: 'failed' }) ?? 0).toBe(0);
});
