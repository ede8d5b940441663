import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServiceHandle, startPostgres } from '@sluice/local-services';
import { afterAll, beforeAll, expect, it } from 'vitest';
import prepareDatabase from '../harness/prepare-database.ts';
import { issueTestKey } from '../support/api-keys.ts';
import { getText } from '../support/client.ts';
import { sample } from '../support/metrics-text.ts';
import { type Stack, startStack } from '../support/stack.ts';

// API keys while PostgreSQL is down and the postgres breaker open. A key's
// check expires after API_KEY_TRUST_MS (here 50 ms, so every request of the
// test is past it); while the breaker is open, the API must not connect
// (DATABASE_CONNECT_RETRIES tries, with backoff) to check it again: a key
// with a good check (within 10 min) authenticates from it at once, and a key
// never verified is refused with 503, never accepted.
//
// A DEDICATED PostgreSQL (stopping the harness' one would disturb other
// files); no worker: POST /v1/normalize answers without PostgreSQL or a worker.

let dir: string;
let postgres: ServiceHandle;
let stack: Stack;
/** A key of the same tenant, issued before the outage and never used before it. */
let unverifiedKey: string;

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

const normalize = (headers: Record<string, string> = {}) =>
  fetch(`${stack.apiUrl}/v1/normalize`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ values: [{ type: 'email', value: ' Ann@Example.COM ' }] }),
  });

async function apiMetrics(): Promise<{
  connectErrors: number;
  failures: number;
  refusals: number;
}> {
  const { body } = await getText(`${stack.apiUrl}/metrics`);
  const postgresLabel = { dependency: 'postgres' };
  return {
    connectErrors: sample(body, 'sluice_db_connection_errors_total') ?? Number.NaN,
    failures: sample(body, 'sluice_breaker_failures_total', postgresLabel) ?? Number.NaN,
    refusals: sample(body, 'sluice_breaker_refusals_total', postgresLabel) ?? Number.NaN,
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-key-outage-'));
  postgres = await startPostgres({ dataDir: join(dir, 'postgres'), durable: false });
  await prepareDatabase(postgres.url);
  stack = await startStack({
    queuePrefix: '{e2e-key-outage}',
    workers: 0,
    env: {
      DATABASE_URL: postgres.url,
      API_KEY_TRUST_MS: '50',
      // Connects are retried (twice, short backoff) until the breaker opens.
      DATABASE_CONNECT_RETRIES: '2',
      DATABASE_CONNECT_RETRY_MIN_MS: '20',
      DATABASE_CONNECT_RETRY_MAX_MS: '50',
      // Open for the whole test: no half-open probe connects during it.
      BREAKER_RESET_TIMEOUT_MS: '600000',
    },
  });
  ({ key: unverifiedKey } = await issueTestKey(postgres.url, '{e2e-key-outage}'));
});

afterAll(async () => {
  const codes = await stack?.stop();
  await postgres?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  expect(codes).toEqual([0]);
});

it('while the postgres breaker is open, an expired key check falls back to the last good one without connecting; an unverified key gets 503', async () => {
  // Checked against PostgreSQL: the key's last good check.
  const before = await normalize();
  expect(before.status, await before.text()).toBe(200);

  await postgres.stop();
  // Key checks past their trust time fail on the outage (each a connect and
  // its retries) and are answered from the last good check; they and a route
  // that needs PostgreSQL (the job list) open the breaker.
  await until('API postgres breaker open', async () => {
    const res = await normalize();
    expect(res.status, await res.text()).toBe(200);
    expect((await fetch(`${stack.apiUrl}/v1/jobs`)).status).toBe(503);
    const health = (await (await fetch(`${stack.apiUrl}/health`)).json()) as {
      breakers: Record<string, string>;
    };
    return health.breakers.postgres === 'open';
  });
  // A connect attempt already under way when the breaker opened still ends
  // (and counts): read the counters once they have stopped moving.
  let opened = await apiMetrics();
  await until('counters settled after the breaker opened', async () => {
    await new Promise((r) => setTimeout(r, 500));
    const again = await apiMetrics();
    const settled = JSON.stringify(again) === JSON.stringify(opened);
    opened = again;
    return settled;
  });
  // What opened it: failed key lookups, counted, and the failed connects under them.
  expect(opened.failures).toBeGreaterThanOrEqual(1);
  expect(opened.connectErrors).toBeGreaterThanOrEqual(3);

  // Every one of these is past API_KEY_TRUST_MS since the last good check.
  const answers = [];
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 60));
    answers.push(await normalize());
  }
  for (const res of answers) {
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      results: [expect.objectContaining({ ok: true, normalized: 'ann@example.com' })],
    });
  }
  // Answered through the fallback: not one connect tried, not one refusal
  // counted (they were served), nothing counted toward the breaker.
  const during = await apiMetrics();
  expect(during).toEqual(opened);

  // A key never verified is not accepted without PostgreSQL: 503, refused at once.
  const unverified = await normalize({ authorization: `Bearer ${unverifiedKey}` });
  expect(unverified.status).toBe(503);
  expect(unverified.headers.get('content-type')).toContain('application/problem+json');
  expect(Number(unverified.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(await unverified.json()).toMatchObject({
    code: 'dependency_unavailable',
    dependency: 'postgres',
  });
  // Nor is a made-up one of the right shape (invalid_api_key with PostgreSQL up).
  const madeUp = await normalize({
    authorization: `Bearer slc_${'0'.repeat(16)}_${'0'.repeat(64)}`,
  });
  expect(madeUp.status).toBe(503);
  // A malformed one is told so as ever: no lookup needed, no refusal.
  const malformed = await normalize({ authorization: 'Bearer not-a-key' });
  expect(malformed.status).toBe(401);
  expect(await malformed.json()).toMatchObject({ code: 'invalid_api_key', reason: 'malformed' });
  const after = await apiMetrics();
  expect(after).toEqual({ ...opened, refusals: opened.refusals + 2 });
});
