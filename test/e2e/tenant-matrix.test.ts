// The cross-tenant matrix, driven by the API's own OpenAPI document: EVERY
// documented operation that names a resource in its path, called with
// tenant B's key on tenant A's job, dataset, key, webhook and delivery,
// answers exactly as for a resource that does not exist (404, same code,
// same detail but for the name, same members), and A's resources stay
// untouched; every list B reads holds nothing of A's. A route added later
// is in the matrix without editing this file; one whose path names a new
// kind of resource fails here until the matrix knows how to make one.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { issueTestKey } from '../support/api-keys.ts';
import { submitCsv, waitForJob } from '../support/client.ts';
import { type Stack, startStack } from '../support/stack.ts';

let stack: Stack;
let receiver: Server;
/** Tenant B's key, with every scope. */
let other: string;

/** Each kind of resource a path can name: tenant A's, and one that exists for nobody. */
interface Resources {
  job: string;
  dataset: string;
  key: string;
  webhook: string;
  delivery: string;
  /** A row of the dataset, by its key value. */
  row: string;
}
let theirs: Resources;
const missing: Resources = {
  job: '00000000-0000-4000-8000-00000000abcd',
  dataset: 'no_such_dataset',
  key: '00000000000000ab',
  webhook: '00000000-0000-4000-8000-00000000abce',
  delivery: '00000000-0000-4000-8000-00000000abcf',
  row: 'nobody@example.com',
};

const as = (key: string, path: string, init: RequestInit = {}) =>
  fetch(`${stack.apiUrl}${path}`, {
    ...init,
    headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${key}` },
  });
const postJson = (key: string, path: string, body: unknown) =>
  as(key, path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  // Webhook deliveries go to this test's receiver on loopback.
  const allowLoopback = { WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' };
  stack = await startStack({
    queuePrefix: '{e2e-tenant-matrix}',
    env: allowLoopback,
    workerEnv: allowLoopback,
  });
  other = (await issueTestKey(inject('databaseUrl'), 'e2e-tenant-matrix-b')).key;
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

  // Tenant A: a dataset with rows, an import job into it with an error
  // report, a webhook endpoint and the delivery of that job's event.
  const a = stack.apiKey;
  const declared = await postJson(a, '/v1/datasets', {
    name: 'people',
    key: ['email'],
    columns: [
      { name: 'email', type: 'email', required: true },
      { name: 'name', type: 'name' },
    ],
  });
  expect(declared.status).toBe(201);
  const hook = await postJson(a, '/v1/webhooks', { url: hookUrl });
  expect(hook.status).toBe(201);
  const webhook = ((await hook.json()) as { id: string }).id;
  const job = await waitForJob(
    stack.apiUrl,
    (
      await submitCsv(
        stack.apiUrl,
        'email,name\nann@example.com,Ann\nnot-mail,Bob\n',
        '?type=import&dataset=people',
      )
    ).id,
  );
  expect(job.status).toBe('completed');
  let delivery: string | undefined;
  for (let i = 0; i < 300 && delivery === undefined; i++) {
    const log = (await (await as(a, `/v1/webhooks/${webhook}/deliveries`)).json()) as Array<{
      id: string;
      status: string;
    }>;
    delivery = log.find((d) => d.status === 'delivered')?.id;
    if (delivery === undefined) await new Promise((r) => setTimeout(r, 100));
  }
  expect(delivery, 'the job.completed delivery').toBeDefined();
  theirs = {
    job: job.id,
    dataset: 'people',
    key: a.split('_')[1]!,
    webhook,
    delivery: delivery!,
    row: 'ann@example.com',
  };
}, 120_000);

afterAll(async () => {
  receiver?.close();
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

/** Which resource a path parameter names, from the path it is in. */
function resourceOf(path: string, parameter: string): keyof Resources {
  if (parameter === 'deliveryId') return 'delivery';
  if (parameter === 'key' && path.startsWith('/v1/datasets/')) return 'row';
  if (parameter === 'name' && path.startsWith('/v1/datasets/')) return 'dataset';
  if (parameter === 'id' && path.startsWith('/v1/jobs/')) return 'job';
  if (parameter === 'id' && path.startsWith('/v1/keys/')) return 'key';
  if (parameter === 'id' && path.startsWith('/v1/webhooks/')) return 'webhook';
  throw new Error(`the matrix has no resource for {${parameter}} in ${path}: add one`);
}

function fill(path: string, resources: Resources): string {
  return path.replace(/\{(\w+)\}/g, (_, parameter: string) =>
    encodeURIComponent(resources[resourceOf(path, parameter)]),
  );
}

interface Operation {
  method: string;
  path: string;
  hasBody: boolean;
}

async function documentedOperations(): Promise<Operation[]> {
  const document = (await (await fetch(`${stack.apiUrl}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { requestBody?: unknown }>>;
  };
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        hasBody: op.requestBody !== undefined,
      })),
  );
}

/** A request B could send: any JSON body is well-formed, so only the resource decides. */
function call(key: string, op: Operation, resources: Resources) {
  return as(key, fill(op.path, resources), {
    method: op.method,
    ...(op.hasBody
      ? {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ description: 'from another tenant' }),
        }
      : {}),
  });
}

describe("another tenant's resources, on every documented route", () => {
  it('answer exactly like resources that do not exist, and stay untouched', async () => {
    // Tenant resources are under /v1 (outside it: health, metrics, the docs' assets).
    const operations = (await documentedOperations()).filter(
      (op) => op.path.startsWith('/v1/') && op.path.includes('{'),
    );
    // jobs (7), datasets (4), keys (1), webhooks (7) today.
    expect(operations.length).toBeGreaterThanOrEqual(19);
    const seen: string[] = [];
    for (const op of operations) {
      const label = `${op.method} ${op.path}`;
      const [mine, none] = [await call(other, op, theirs), await call(other, op, missing)];
      expect([mine.status, none.status], label).toEqual([404, 404]);
      const [a, b] = (await Promise.all([mine.json(), none.json()])) as Array<
        Record<string, unknown>
      >;
      expect(a!.code, label).toBe(b!.code);
      expect(Object.keys(a!).sort(), label).toEqual(Object.keys(b!).sort());
      // The detail names what was asked for, nothing else of it.
      const neutral = (problem: Record<string, unknown>, names: Resources) =>
        Object.values(names).reduce(
          (text: string, name) => text.replaceAll(name, '<name>'),
          String(problem.detail),
        );
      expect(neutral(a!, theirs), label).toBe(neutral(b!, missing));
      seen.push(label);
    }
    expect(seen).toEqual(operations.map((op) => `${op.method} ${op.path}`));

    // Tenant A still has all of it, unchanged.
    const a = stack.apiKey;
    const job = (await (await as(a, `/v1/jobs/${theirs.job}`)).json()) as { status: string };
    expect(job.status).toBe('completed');
    const rows = await as(a, '/v1/datasets/people/rows');
    expect(rows.headers.get('x-total-count')).toBe('1');
    expect((await as(a, `/v1/webhooks/${theirs.webhook}`)).status).toBe(200);
    const delivery = await as(a, `/v1/webhooks/${theirs.webhook}/deliveries/${theirs.delivery}`);
    expect(((await delivery.json()) as { attemptCount: number }).attemptCount).toBe(1);
    const keys = (await (await as(a, '/v1/keys')).json()) as Array<{
      id: string;
      revokedAt: string | null;
    }>;
    expect(keys.find((k) => k.id === theirs.key)?.revokedAt).toBeNull();
  });

  it("lists hold nothing of another tenant's", async () => {
    const lists = (await documentedOperations()).filter(
      (op) => op.method === 'GET' && op.path.startsWith('/v1/') && !op.path.includes('{'),
    );
    expect(lists.map((op) => op.path).sort()).toEqual([
      '/v1/datasets',
      '/v1/jobs',
      '/v1/keys',
      '/v1/webhooks',
    ]);
    for (const op of lists) {
      const res = await as(other, op.path);
      expect(res.status, op.path).toBe(200);
      const text = await res.text();
      for (const name of Object.values(theirs)) expect(text, op.path).not.toContain(name);
      // B has one key (its own) and nothing else.
      expect(res.headers.get('x-total-count') ?? String(JSON.parse(text).length), op.path).toBe(
        op.path === '/v1/keys' ? '1' : '0',
      );
    }
  });
});
