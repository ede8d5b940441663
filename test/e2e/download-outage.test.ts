import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServiceHandle, startPostgres } from '@sluice/local-services';
import { afterAll, beforeAll, expect, it } from 'vitest';
import prepareDatabase from '../harness/prepare-database.ts';
import { authHeader } from '../support/api-keys.ts';
import { type JobBody, postStream, submitCsv, waitForJob } from '../support/client.ts';
import { type Stack, startStack } from '../support/stack.ts';

// Downloads (result.csv, errors.csv) while PostgreSQL is down: the API reads
// the first page before it answers, so the client gets 503
// dependency_unavailable with Retry-After (and the postgres breaker counts
// it), never a 200 that stops after the header line. A failure once the file
// is streaming cuts the transfer so the client sees it broken, not complete.
//
// A DEDICATED PostgreSQL (stopping the harness' one would disturb other
// files); the harness' Redis with this file's own queue prefix.

const SAMPLE = readFileSync(new URL('../fixtures/contacts-sample.csv', import.meta.url));

let dir: string;
let postgres: ServiceHandle;
let stack: Stack;

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

/** A file of `rows` rows of ~1 KB each, in 64 KiB pieces. */
async function* wideCsv(rows: number): AsyncGenerator<Buffer> {
  const filler = 'lorem ipsum dolor sit amet '.repeat(38);
  let batch = 'id,notes\n';
  for (let i = 1; i <= rows; i++) {
    batch += `${i},${filler}${i}\n`;
    if (batch.length >= 65_536) {
      yield Buffer.from(batch);
      batch = '';
    }
  }
  if (batch) yield Buffer.from(batch);
}

/**
 * GETs `url`; after the first piece of the body, pauses reading and runs
 * `meanwhile`, then reads on. Resolves with how the transfer ended.
 */
function downloadAround(
  url: string,
  meanwhile: () => Promise<void>,
): Promise<{ status: number; received: number; ended: 'complete' | 'broken' }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: authHeader(url) }, (res) => {
        let received = 0;
        let paused = false;
        let settled = false;
        const settle = (ended: 'complete' | 'broken') => {
          if (settled) return;
          settled = true;
          resolve({ status: res.statusCode ?? 0, received, ended });
        };
        res.on('data', (piece: Buffer) => {
          received += piece.length;
          if (paused) return;
          paused = true;
          res.pause();
          meanwhile().then(() => res.resume(), reject);
        });
        res.on('end', () => settle(res.complete ? 'complete' : 'broken'));
        res.on('aborted', () => settle('broken'));
        res.on('error', () => settle('broken'));
        res.on('close', () => settle(res.complete ? 'complete' : 'broken'));
      })
      .on('error', reject);
  });
}

let small: JobBody;
let large: JobBody;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-download-outage-'));
  postgres = await startPostgres({ dataDir: join(dir, 'postgres'), durable: false });
  await prepareDatabase(postgres.url);
  stack = await startStack({
    queuePrefix: '{e2e-download-outage}',
    // Open stays open while the test looks (no recovery in this file).
    env: { DATABASE_URL: postgres.url, BREAKER_RESET_TIMEOUT_MS: '600000' },
  });
  small = await waitForJob(stack.apiUrl, (await submitCsv(stack.apiUrl, SAMPLE)).id);
  expect(small.status).toBe('completed');
  expect(small.counts.errors).toBeGreaterThan(0);
  const res = await postStream(`${stack.apiUrl}/v1/jobs`, wideCsv(60_000), {
    'content-type': 'text/csv',
  });
  expect(res.status, res.body).toBe(202);
  large = await waitForJob(stack.apiUrl, (JSON.parse(res.body) as JobBody).id, 240_000);
  expect(large.status).toBe('completed');
});

afterAll(async () => {
  const codes = await stack?.stop();
  await postgres?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  expect(codes).toEqual([0, 0]);
});

it('cuts a download off visibly when PostgreSQL goes away while it streams', async () => {
  // The whole file, while PostgreSQL is up.
  const whole = await downloadAround(large.links.result, async () => {});
  expect(whole).toMatchObject({ status: 200, ended: 'complete' });
  expect(whole.received).toBeGreaterThan(50 * 1024 * 1024);

  // The client stops reading after the first piece; PostgreSQL stops
  // meanwhile (fast shutdown: the API's connections are cut), so a later page
  // cannot be read. The file is far larger than what socket buffers hold
  // ahead of the client.
  const cut = await downloadAround(large.links.result, () => postgres.stop());
  expect(cut.status).toBe(200);
  expect(cut.ended).toBe('broken');
  expect(cut.received).toBeLessThan(whole.received);
});

it('answers downloads with 503 + Retry-After while PostgreSQL is down, and opens the breaker', async () => {
  // (PostgreSQL was stopped by the test above.) The finished job's status
  // still comes from the Redis cache; its files need PostgreSQL.
  const status = await fetch(`${stack.apiUrl}/v1/jobs/${small.id}`);
  expect(status.status).toBe(200);
  expect(status.headers.get('x-cache')).toBe('HIT');
  await status.body?.cancel();

  for (const url of [small.links.result, small.links.errors]) {
    const res = await fetch(url);
    const body = await res.text();
    expect(res.status, body).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.get('content-disposition')).toBeNull();
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(body)).toMatchObject({
      code: 'dependency_unavailable',
      dependency: 'postgres',
    });
  }
  // Each failed download counts for the postgres breaker: downloads alone open it.
  await until('API postgres breaker open', async () => {
    await (await fetch(small.links.result)).body?.cancel();
    const health = (await (await fetch(`${stack.apiUrl}/health`)).json()) as {
      breakers: Record<string, string>;
    };
    return health.breakers.postgres === 'open';
  });
  const refused = await fetch(small.links.errors);
  expect(refused.status).toBe(503);
  expect(((await refused.json()) as { code: string }).code).toBe('dependency_unavailable');
});
