// Idempotency-Key on POST /v1/jobs (IETF draft semantics): the same request
// again within 24 h gets the job it made, stored once; the key with another
// request is 422; while the first is still arriving, 409.
import { request } from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { authHeader, issueTestKey } from '../support/api-keys.ts';
import type { JobBody } from '../support/client.ts';
import { type Stack, startStack } from '../support/stack.ts';

let stack: Stack;
const db = new pg.Client({ connectionString: inject('databaseUrl') });

beforeAll(async () => {
  await db.connect();
  stack = await startStack({ queuePrefix: '{e2e-idempotency}' });
});

afterAll(async () => {
  await db.end();
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

const CSV = 'name,email\nAnn,ann@example.com\nBob,bob@example.com\n';

function post(
  key: string | undefined,
  body: string,
  query = '',
  extra: Record<string, string> = {},
) {
  return fetch(`${stack.apiUrl}/v1/jobs${query}`, {
    method: 'POST',
    headers: {
      'content-type': 'text/csv',
      ...(key === undefined ? {} : { 'idempotency-key': key }),
      ...extra,
    },
    body,
  });
}

/** The slow upload's job row exists (receiving: only the database knows it yet). */
async function firstIsStored(): Promise<boolean> {
  const { rows } = await db.query("select 1 from jobs where file_name = 'slow-first.csv'");
  return rows.length > 0;
}

async function jobsNamed(fileName: string): Promise<number> {
  const list = (await (await fetch(`${stack.apiUrl}/v1/jobs?limit=1000`)).json()) as Array<{
    fileName: string | null;
  }>;
  return list.filter((j) => j.fileName === fileName).length;
}

describe('Idempotency-Key', () => {
  it('answers the same request again with the job it made, stored once', async () => {
    const key = crypto.randomUUID();
    const first = await post(key, CSV, '?filename=once.csv');
    expect(first.status).toBe(202);
    const made = (await first.json()) as JobBody;
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    for (let i = 0; i < 2; i++) {
      const again = await post(key, CSV, '?filename=once.csv');
      expect(again.status).toBe(202);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.headers.get('location')).toBe(first.headers.get('location'));
      expect(((await again.json()) as JobBody).id).toBe(made.id);
    }
    expect(await jobsNamed('once.csv')).toBe(1);
  });

  it('is 422 for the same key with a different body or query', async () => {
    const key = crypto.randomUUID();
    expect((await post(key, CSV, '?filename=a.csv')).status).toBe(202);
    for (const res of [
      await post(key, `${CSV}Cy,cy@example.com\n`, '?filename=a.csv'),
      await post(key, CSV, '?filename=b.csv'),
    ]) {
      expect(res.status).toBe(422);
      expect(await res.json()).toMatchObject({ code: 'idempotency_key_reused' });
    }
  });

  it('is 409 for a duplicate while the first request is still arriving; the first completes', async () => {
    const key = crypto.randomUUID();
    const url = `${stack.apiUrl}/v1/jobs?filename=slow-first.csv`;
    const slow = request(url, {
      method: 'POST',
      headers: {
        ...authHeader(url),
        'content-type': 'text/csv',
        'idempotency-key': key,
        'transfer-encoding': 'chunked',
      },
    });
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      slow.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      slow.on('error', reject);
    });
    // More than the 64 KiB the upload looks at before it stores the job row:
    // once that row exists, the first request is demonstrably under way.
    const rows = Array.from({ length: 6_000 }, (_, i) => `P${i},p${i}@example.com`).join('\n');
    slow.write(`name,email\n${rows}\n`);
    const deadline = Date.now() + 20_000;
    while (!(await firstIsStored())) {
      if (Date.now() > deadline) throw new Error('the first upload never stored its job row');
      await new Promise((r) => setTimeout(r, 50));
    }
    const duplicate = await post(key, CSV, '?filename=slow-first.csv');
    expect(duplicate.status).toBe(409);
    expect(await duplicate.json()).toMatchObject({ code: 'idempotency_key_in_use' });
    slow.end('Bob,bob@example.com\n');
    const first = await answer;
    expect(first.status, first.body).toBe(202);
    expect(await jobsNamed('slow-first.csv')).toBe(1);
    // The key names that job now: another request with it is 422.
    const replay = await post(key, CSV, '?filename=slow-first.csv');
    expect(replay.status).toBe(422);
  });

  it('is per tenant, and free again when its job is deleted or its request was refused', async () => {
    const key = crypto.randomUUID();
    const mine = (await (await post(key, CSV, '?filename=t.csv')).json()) as JobBody;
    const theirs = (await issueTestKey(inject('databaseUrl'), 'e2e-idempotency-other')).key;
    const other = await post(key, CSV, '?filename=t.csv', { authorization: `Bearer ${theirs}` });
    expect(other.status).toBe(202);
    expect(((await other.json()) as JobBody).id).not.toBe(mine.id);

    expect((await fetch(`${stack.apiUrl}/v1/jobs/${mine.id}`, { method: 'DELETE' })).status).toBe(
      204,
    );
    const after = await post(key, CSV, '?filename=t.csv');
    expect(after.status).toBe(202);
    expect(((await after.json()) as JobBody).id).not.toBe(mine.id);

    const refusedKey = crypto.randomUUID();
    expect((await post(refusedKey, '', '?filename=empty.csv')).status).toBe(400);
    expect((await post(refusedKey, CSV, '?filename=empty.csv')).status).toBe(202);
  });

  it.each([
    ['', 'empty'],
    ['x'.repeat(256), 'too long'],
    ['caf\u00e9', 'not ASCII'],
  ])('refuses the key %j (%s) with 400 invalid_idempotency_key', async (key) => {
    const res = await post(key, CSV);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'invalid_idempotency_key' });
  });
});
