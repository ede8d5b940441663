// Webhooks per tenant, end to end: a real receiver on 127.0.0.1 gets each
// job's final transition, signed per the Standard Webhooks spec and checked
// here by its reference implementation (the `standardwebhooks` package, not
// Sluice's code); retries with backoff, the delivery log, redelivery, tenant
// isolation, and the outbox surviving the loss of its Redis job.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebhookEvent, webhookEventSchema } from '@sluice/contract';
import { QUEUE_NAMES } from '@sluice/queue';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { issueTestKey } from '../support/api-keys.ts';
import { submitCsv, waitForJob } from '../support/client.ts';
import { CONTACT_HEADER, contactRow } from '../support/generate-contacts.ts';
import { type Stack, startStack } from '../support/stack.ts';

const PREFIX = '{e2e-webhooks}';
const MAX_ATTEMPTS = 4;

/** One POST the receiver got. */
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * The integrator's side: records every POST; a path's first `failures`
 * requests get 500 (set per path with `failFirst`), the rest 204.
 */
class Receiver {
  readonly received: Received[] = [];
  private readonly failures = new Map<string, number>();
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        this.received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString() });
        const left = this.failures.get(path) ?? 0;
        if (left > 0) this.failures.set(path, left - 1);
        res.writeHead(left > 0 ? 500 : 204, { connection: 'close' }).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  failFirst(path: string, times: number): void {
    this.failures.set(path, times);
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  async waitFor(path: string, count: number, timeoutMs = 60_000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.at(path).length < count) {
      if (Date.now() > deadline)
        throw new Error(`${path}: ${this.at(path).length} of ${count} requests arrived`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return this.at(path);
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

const receiver = new Receiver();
let stack: Stack;
let otherKey: string;

beforeAll(async () => {
  await receiver.start();
  stack = await startStack({
    queuePrefix: PREFIX,
    // Receivers run on 127.0.0.1: the operator's allowance (off by default).
    env: {
      WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true',
      WEBHOOK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      WEBHOOK_BACKOFF_MS: '100',
      WEBHOOK_TIMEOUT_MS: '5000',
      CHUNK_BYTES: '32768',
    },
    workerEnv: {
      // The sweep runs with the reconciler's interval and grace.
      RECONCILE_INTERVAL_MS: '500',
      RECONCILE_GRACE_MS: '1000',
      // A file whose rows all fail their type fails at once.
      ERROR_RATE_MIN_ROWS: '10',
      MAX_ERROR_RATE: '0.5',
    },
  });
  otherKey = (await issueTestKey(inject('databaseUrl'), 'e2e-webhooks-other')).key;
});

afterAll(async () => {
  const codes = await stack?.stop();
  await receiver.close();
  expect(codes).toEqual(codes?.map(() => 0));
});

const api = (path: string, init?: RequestInit) => fetch(`${stack.apiUrl}${path}`, init);
const postJson = (path: string, body: unknown, method = 'POST') =>
  api(path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

interface WebhookBody {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  secret?: string;
  links: { self: string; deliveries: string };
}

interface DeliveryBody {
  id: string;
  eventId: string;
  eventType: string;
  jobId: string;
  status: 'pending' | 'delivered' | 'failed';
  attemptCount: number;
  lastStatusCode: number | null;
  lastError: string | null;
  attempts?: Array<{
    attempt: number;
    round: number;
    statusCode: number | null;
    error: string | null;
  }>;
}

/**
 * A message verified by the reference implementation of Standard Webhooks,
 * then held to the contract's schema of event messages (the OpenAPI
 * document's `webhooks`): what the outbox's SQL builds must match it.
 */
function verifiedEvent(secret: string, request: Received): WebhookEvent {
  return webhookEventSchema.parse(new Webhook(secret).verify(request.body, signedHeaders(request)));
}

async function createWebhook(path: string, extra: Record<string, unknown> = {}) {
  const res = await postJson('/v1/webhooks', { url: `${receiver.url}${path}`, ...extra });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return JSON.parse(text) as WebhookBody & { secret: string };
}

async function deliveries(webhookId: string): Promise<DeliveryBody[]> {
  const res = await api(`/v1/webhooks/${webhookId}/deliveries`);
  expect(res.status).toBe(200);
  return (await res.json()) as DeliveryBody[];
}

async function delivery(webhookId: string, deliveryId: string): Promise<DeliveryBody> {
  const res = await api(`/v1/webhooks/${webhookId}/deliveries/${deliveryId}`);
  expect(res.status).toBe(200);
  return (await res.json()) as DeliveryBody;
}

/** Polls the delivery log until `done` holds for the webhook's deliveries. */
async function waitForLog(
  webhookId: string,
  done: (log: DeliveryBody[]) => boolean,
  timeoutMs = 60_000,
): Promise<DeliveryBody[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = await deliveries(webhookId);
    if (done(log)) return log;
    if (Date.now() > deadline)
      throw new Error(`delivery log never settled: ${JSON.stringify(log)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The Standard Webhooks headers of a received request, as the verifier takes them. */
const signedHeaders = (r: Received) => ({
  'webhook-id': String(r.headers['webhook-id']),
  'webhook-timestamp': String(r.headers['webhook-timestamp']),
  'webhook-signature': String(r.headers['webhook-signature']),
});

const contacts = (rows: number) =>
  `${CONTACT_HEADER}\n${Array.from({ length: rows }, (_, i) => contactRow(i + 1)).join('\n')}\n`;

describe('webhook endpoints', () => {
  it('are created with a whsec_ secret shown once, listed with paging headers, changed and deleted', async () => {
    const created = await createWebhook('/crud', {
      events: ['job.failed'],
      description: 'ops pager',
    });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.events).toEqual(['job.failed']);
    expect(created.enabled).toBe(true);

    const read = await api(`/v1/webhooks/${created.id}`);
    expect(read.status).toBe(200);
    const readBody = (await read.json()) as WebhookBody;
    expect(readBody.url).toBe(`${receiver.url}/crud`);
    expect(readBody).not.toHaveProperty('secret');

    const listed = await api('/v1/webhooks?limit=1');
    expect(listed.status).toBe(200);
    expect(Number(listed.headers.get('x-total-count'))).toBeGreaterThanOrEqual(1);
    expect(listed.headers.get('link')).toContain('rel="first"');
    expect(((await listed.json()) as WebhookBody[]).length).toBe(1);

    const patched = await postJson(
      `/v1/webhooks/${created.id}`,
      { enabled: false, events: ['job.completed', 'job.cancelled'] },
      'PATCH',
    );
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({
      enabled: false,
      events: ['job.completed', 'job.cancelled'],
    });

    const rotated = await api(`/v1/webhooks/${created.id}/rotate-secret`, { method: 'POST' });
    expect(rotated.status).toBe(200);
    const { secret } = (await rotated.json()) as { secret: string };
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(created.secret);

    expect((await api(`/v1/webhooks/${created.id}`, { method: 'DELETE' })).status).toBe(204);
    const gone = await api(`/v1/webhooks/${created.id}`);
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { code: string }).code).toBe('webhook_not_found');
  });

  it('refuses bodies that do not fit the schema, and URLs that are not http(s), with problem+json', async () => {
    for (const body of [
      {},
      { url: 'https://example.com/hook', events: ['job.exploded'] },
      { url: 'https://example.com/hook', events: [] },
      { url: 'https://example.com/hook', surprise: true },
      { url: 42 },
    ]) {
      const res = await postJson('/v1/webhooks', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(((await res.json()) as { code: string }).code).toBe('invalid_webhook_request');
    }
    for (const url of ['ftp://example.com/hook', 'file:///etc/passwd', 'not a url']) {
      const res = await postJson('/v1/webhooks', { url });
      expect(res.status, url).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe('webhook_url_not_allowed');
    }
  });
});

describe('events', () => {
  it('job.completed: a signed delivery the reference implementation verifies; a tampered body fails', async () => {
    const hook = await createWebhook('/completed', { events: ['job.completed'] });
    const job = await submitCsv(stack.apiUrl, contacts(50));
    expect((await waitForJob(stack.apiUrl, job.id)).status).toBe('completed');

    const [request] = (await receiver.waitFor('/completed', 1)) as [Received];
    expect(request.headers['content-type']).toBe('application/json');
    const verified = verifiedEvent(hook.secret, request);
    expect(verified.type).toBe('job.completed');
    expect(verified.data).toMatchObject({
      id: job.id,
      status: 'completed',
      counts: { rowsTotal: 50, rowsAccepted: 50 },
      links: { self: `/v1/jobs/${job.id}` },
    });
    expect(Date.parse(verified.timestamp)).not.toBeNaN();

    const tampered = request.body.replace('"completed"', '"failed"');
    expect(tampered).not.toBe(request.body);
    expect(() => new Webhook(hook.secret).verify(tampered, signedHeaders(request))).toThrow();
    // Another endpoint's secret does not verify it either.
    const other = await createWebhook('/unused', { events: ['job.failed'] });
    expect(() => new Webhook(other.secret).verify(request.body, signedHeaders(request))).toThrow();

    const [logged] = await waitForLog(hook.id, (log) => log[0]?.status === 'delivered');
    expect(logged).toMatchObject({
      eventId: request.headers['webhook-id'],
      eventType: 'job.completed',
      jobId: job.id,
      status: 'delivered',
      attemptCount: 1,
      lastStatusCode: 204,
    });
  });

  it('job.failed: a job failing with error_rate_exceeded is announced with its code', async () => {
    const hook = await createWebhook('/failed', { events: ['job.failed'] });
    const declared = await postJson('/v1/datasets', {
      name: 'webhook_fail',
      columns: [
        { name: 'email', type: 'email', required: true },
        { name: 'age', type: 'integer', required: true },
      ],
      key: ['email'],
    });
    expect(declared.status).toBe(201);
    const lines = ['email,age'];
    for (let i = 0; i < 40; i++) lines.push(`p${i}@example.com,old`);
    const job = await submitCsv(
      stack.apiUrl,
      `${lines.join('\n')}\n`,
      '?type=import&dataset=webhook_fail',
    );
    expect((await waitForJob(stack.apiUrl, job.id)).status).toBe('failed');

    const [request] = (await receiver.waitFor('/failed', 1)) as [Received];
    const event = verifiedEvent(hook.secret, request);
    expect(event.type).toBe('job.failed');
    expect(event.data).toMatchObject({
      id: job.id,
      status: 'failed',
      errorCode: 'error_rate_exceeded',
    });
    // Counted from its done chunks, as GET /v1/jobs/{id} shows a failed job.
    expect(event.data.counts.errors).toBeGreaterThan(0);
  });

  it('job.cancelled, then the retried job completing: two events, two message ids', async () => {
    const hook = await createWebhook('/cancel-retry', {
      events: ['job.cancelled', 'job.completed'],
    });
    const job = await submitCsv(stack.apiUrl, contacts(30_000));
    const cancelled = await api(`/v1/jobs/${job.id}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBe(200);

    const [first] = (await receiver.waitFor('/cancel-retry', 1)) as [Received];
    const cancelEvent = verifiedEvent(hook.secret, first);
    expect(cancelEvent.type).toBe('job.cancelled');
    expect(cancelEvent.data).toMatchObject({ id: job.id, status: 'cancelled' });

    const retried = await api(`/v1/jobs/${job.id}/retry`, { method: 'POST' });
    expect(retried.status).toBe(202);
    expect((await waitForJob(stack.apiUrl, job.id)).status).toBe('completed');
    const [, second] = (await receiver.waitFor('/cancel-retry', 2)) as [Received, Received];
    const completeEvent = verifiedEvent(hook.secret, second);
    expect(completeEvent.type).toBe('job.completed');
    expect(completeEvent.data.id).toBe(job.id);
    expect(second.headers['webhook-id']).not.toBe(first.headers['webhook-id']);

    const log = await waitForLog(
      hook.id,
      (l) => l.length === 2 && l.every((d) => d.status === 'delivered'),
    );
    expect(log.map((d) => d.eventType).sort()).toEqual(['job.cancelled', 'job.completed']);
  });

  it('an endpoint that does not take an event type, or is disabled, gets nothing of it', async () => {
    const onlyFailed = await createWebhook('/only-failed', { events: ['job.failed'] });
    const disabled = await createWebhook('/disabled');
    expect(
      (await postJson(`/v1/webhooks/${disabled.id}`, { enabled: false }, 'PATCH')).status,
    ).toBe(200);
    // A third endpoint that takes it tells when the event has gone out.
    await createWebhook('/witness', { events: ['job.completed'] });
    const job = await submitCsv(stack.apiUrl, contacts(5));
    expect((await waitForJob(stack.apiUrl, job.id)).status).toBe('completed');
    const [witnessed] = (await receiver.waitFor('/witness', 1)) as [Received];
    expect(JSON.parse(witnessed.body).data.id).toBe(job.id);
    expect(receiver.at('/only-failed')).toEqual([]);
    expect(receiver.at('/disabled')).toEqual([]);
    expect(await deliveries(onlyFailed.id)).toEqual([]);
    expect(await deliveries(disabled.id)).toEqual([]);
  });
});

describe('retries and redelivery', () => {
  it('a receiver failing twice gets the same message a third time; every attempt is in the log', async () => {
    receiver.failFirst('/flaky', 2);
    const hook = await createWebhook('/flaky', { events: ['job.completed'] });
    const job = await submitCsv(stack.apiUrl, contacts(5));
    await waitForJob(stack.apiUrl, job.id);

    const requests = await receiver.waitFor('/flaky', 3);
    expect(new Set(requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
    for (const r of requests) new Webhook(hook.secret).verify(r.body, signedHeaders(r));
    const [logged] = await waitForLog(hook.id, (log) => log[0]?.status === 'delivered');
    const detail = await delivery(hook.id, logged!.id);
    expect(detail).toMatchObject({ status: 'delivered', attemptCount: 3, lastStatusCode: 204 });
    expect(detail.attempts?.map((a) => [a.attempt, a.round, a.statusCode])).toEqual([
      [1, 0, 500],
      [2, 0, 500],
      [3, 0, 204],
    ]);
  });

  it('fails a delivery after WEBHOOK_MAX_ATTEMPTS, and redelivers it on request with the same webhook-id', async () => {
    receiver.failFirst('/down', MAX_ATTEMPTS);
    const hook = await createWebhook('/down', { events: ['job.completed'] });
    const job = await submitCsv(stack.apiUrl, contacts(5));
    await waitForJob(stack.apiUrl, job.id);

    const [failed] = await waitForLog(hook.id, (log) => log[0]?.status === 'failed');
    expect(failed).toMatchObject({ attemptCount: MAX_ATTEMPTS, lastStatusCode: 500 });
    expect(receiver.at('/down')).toHaveLength(MAX_ATTEMPTS);

    // The receiver is fixed; its owner asks for the message again.
    const res = await api(`/v1/webhooks/${hook.id}/deliveries/${failed!.id}/redeliver`, {
      method: 'POST',
    });
    expect(res.status).toBe(202);
    const requests = await receiver.waitFor('/down', MAX_ATTEMPTS + 1);
    const last = requests.at(-1)!;
    expect(last.headers['webhook-id']).toBe(failed!.eventId);
    expect(last.body).toBe(requests[0]!.body);
    new Webhook(hook.secret).verify(last.body, signedHeaders(last));
    await waitForLog(hook.id, (log) => log[0]?.status === 'delivered');
    const detail = await delivery(hook.id, failed!.id);
    expect(detail.attemptCount).toBe(MAX_ATTEMPTS + 1);
    expect(detail.attempts?.at(-1)).toMatchObject({ round: 1, statusCode: 204, error: null });
  });
});

describe('the outbox', () => {
  it('a delivery whose BullMQ job Redis lost is found in PostgreSQL and delivered', async () => {
    const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    const queue = new Queue(QUEUE_NAMES.webhooks, { connection: redis, prefix: PREFIX });
    try {
      const hook = await createWebhook('/outbox', { events: ['job.completed'] });
      // Workers take nothing from a paused queue: the delivery waits in Redis...
      await queue.pause();
      const job = await submitCsv(stack.apiUrl, contacts(5));
      await waitForJob(stack.apiUrl, job.id);
      const [pending] = await waitForLog(hook.id, (log) => log.length === 1);
      expect(pending).toMatchObject({ status: 'pending', attemptCount: 0 });
      const deadline = Date.now() + 30_000;
      // (BullMQ keeps a paused queue's jobs in its wait list.)
      while (((await queue.getJobCounts('waiting')).waiting ?? 0) === 0) {
        if (Date.now() > deadline) throw new Error('the delivery never reached Redis');
        await new Promise((r) => setTimeout(r, 50));
      }
      // ...until Redis loses it (the queue and everything in it, as a FLUSHALL would).
      await queue.obliterate({ force: true });
      expect(await queue.getJobCounts('waiting', 'delayed', 'active')).toEqual({
        waiting: 0,
        delayed: 0,
        active: 0,
      });

      const [request] = (await receiver.waitFor('/outbox', 1)) as [Received];
      new Webhook(hook.secret).verify(request.body, signedHeaders(request));
      expect(request.headers['webhook-id']).toBe(pending!.eventId);
      await waitForLog(hook.id, (log) => log[0]?.status === 'delivered');
    } finally {
      await queue.close();
      redis.disconnect();
    }
  });
});

describe('tenant isolation', () => {
  it("another tenant's webhook and deliveries are 404 on every route", async () => {
    const hook = await createWebhook('/isolated', { events: ['job.completed'] });
    const job = await submitCsv(stack.apiUrl, contacts(3));
    await waitForJob(stack.apiUrl, job.id);
    const [d] = await waitForLog(hook.id, (log) => log.length === 1);
    const as = { authorization: `Bearer ${otherKey}`, 'content-type': 'application/json' };
    const base = `/v1/webhooks/${hook.id}`;
    for (const [method, path] of [
      ['GET', base],
      ['PATCH', base],
      ['DELETE', base],
      ['POST', `${base}/rotate-secret`],
      ['GET', `${base}/deliveries`],
      ['GET', `${base}/deliveries/${d!.id}`],
      ['POST', `${base}/deliveries/${d!.id}/redeliver`],
    ] as const) {
      const res = await api(path, {
        method,
        headers: as,
        ...(method === 'PATCH' ? { body: JSON.stringify({ enabled: false }) } : {}),
      });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(((await res.json()) as { code: string }).code, `${method} ${path}`).toBe(
        'webhook_not_found',
      );
    }
    const list = await api('/v1/webhooks', { headers: as });
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual([]);
    // Untouched for its own tenant.
    expect(await api(base).then((r) => r.json())).toMatchObject({ id: hook.id, enabled: true });
    // A delivery of one's own webhook under another webhook's id is not found either.
    const mine = await createWebhook('/isolated-2', { events: ['job.failed'] });
    const cross = await api(`/v1/webhooks/${mine.id}/deliveries/${d!.id}`);
    expect(cross.status).toBe(404);
    expect(((await cross.json()) as { code: string }).code).toBe('delivery_not_found');
  });
});
