// Idempotency-Key on the POSTs other than uploads (apps/api/src/http/
// idempotent-post.ts): datasets, keys, cancel, retry and webhooks. The same request
// again within 24 h gets the first answer (Idempotent-Replayed: true) and
// has no second effect; the key with another request is 422; a duplicate
// while the first runs is 409 or the replay; a 5xx or a transient 4xx frees
// the key; keys are per tenant. No workers: jobs stay queued until cancelled.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { issueTestKey } from '../support/api-keys.ts';
import { type JobBody, submitCsv } from '../support/client.ts';
import { type Stack, startStack } from '../support/stack.ts';

let stack: Stack;
const db = new pg.Client({ connectionString: inject('databaseUrl') });

beforeAll(async () => {
  await db.connect();
  stack = await startStack({
    queuePrefix: '{e2e-idempotent-posts}',
    workers: 0,
    // A statement that waits on a lock fails soon: the 5xx test holds one.
    // Webhook endpoints on loopback may be registered (never called: no workers).
    env: { DATABASE_STATEMENT_TIMEOUT_MS: '1000', WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' },
  });
});

afterAll(async () => {
  await db.end();
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

const CSV = 'name,email\nAnn,ann@example.com\n';

function post(path: string, key: string | undefined, body?: string, auth?: string) {
  return fetch(`${stack.apiUrl}${path}`, {
    method: 'POST',
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(key === undefined ? {} : { 'idempotency-key': key }),
      ...(auth === undefined ? {} : { authorization: `Bearer ${auth}` }),
    },
    ...(body === undefined ? {} : { body }),
  });
}

const declaration = (name: string) =>
  JSON.stringify({ name, columns: [{ name: 'id', type: 'text' }], key: ['id'] });

async function datasetsNamed(name: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'select count(*)::int as n from datasets where name = $1 and tenant_id = $2',
    [name, stack.tenantId],
  );
  return rows[0]!.n;
}

async function keysOfTenant(): Promise<number> {
  const res = await fetch(`${stack.apiUrl}/v1/keys`);
  expect(res.status).toBe(200);
  return ((await res.json()) as unknown[]).length;
}

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${stack.apiUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

async function jobStatus(id: string): Promise<string> {
  const { rows } = await db.query<{ status: string }>('select status from jobs where id = $1', [
    id,
  ]);
  return rows[0]!.status;
}

describe('Idempotency-Key on POST /v1/datasets', () => {
  it('answers the same request again with the first answer; one dataset; whitespace and key order do not matter', async () => {
    const key = crypto.randomUUID();
    const first = await post('/v1/datasets', key, declaration('idem_once'));
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const made = await first.text();
    const reordered = JSON.stringify(
      { key: ['id'], columns: [{ type: 'text', name: 'id' }], name: 'idem_once' },
      null,
      2,
    );
    for (const body of [declaration('idem_once'), reordered]) {
      const again = await post('/v1/datasets', key, body);
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.headers.get('location')).toBe(first.headers.get('location'));
      expect(again.headers.get('content-type')).toBe(first.headers.get('content-type'));
      expect(await again.text()).toBe(made);
    }
    expect(await datasetsNamed('idem_once')).toBe(1);
    // Without the key, the same request is a new one: the name is taken.
    expect((await post('/v1/datasets', undefined, declaration('idem_once'))).status).toBe(409);
  });

  it('is 422 idempotency_key_reused for the key with another body or path', async () => {
    const key = crypto.randomUUID();
    const keysBefore = await keysOfTenant();
    expect((await post('/v1/datasets', key, declaration('idem_a'))).status).toBe(201);
    for (const res of [
      await post('/v1/datasets', key, declaration('idem_b')),
      await post('/v1/datasets?x=1', key, declaration('idem_a')),
      await post('/v1/keys', key, JSON.stringify({ scopes: ['jobs:read'] })),
    ]) {
      expect(res.status).toBe(422);
      expect(await res.json()).toMatchObject({ code: 'idempotency_key_reused' });
    }
    expect(await datasetsNamed('idem_b')).toBe(0);
    expect(await keysOfTenant()).toBe(keysBefore);
  });

  it('of concurrent duplicates runs exactly one; the others get 409 (Retry-After) or its answer', async () => {
    const key = crypto.randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => post('/v1/datasets', key, declaration('idem_race'))),
    );
    const ran = answers.filter(
      (r) => r.status === 201 && r.headers.get('idempotent-replayed') === null,
    );
    expect(ran).toHaveLength(1);
    for (const res of answers) {
      if (res === ran[0]) continue;
      if (res.status === 409) {
        expect(res.headers.get('retry-after')).toBe('1');
        expect(await res.json()).toMatchObject({ code: 'idempotency_key_in_use' });
      } else {
        expect(res.status).toBe(201);
        expect(res.headers.get('idempotent-replayed')).toBe('true');
      }
    }
    expect(await datasetsNamed('idem_race')).toBe(1);
  });

  it('stores a 4xx answer, but frees the key after a 409 and after a 5xx: the retry runs', async () => {
    const invalidKey = crypto.randomUUID();
    const invalid = JSON.stringify({ name: 'idem_invalid', columns: [] });
    const refused = await post('/v1/datasets', invalidKey, invalid);
    expect(refused.status).toBe(400);
    const replayed = await post('/v1/datasets', invalidKey, invalid);
    expect(replayed.status).toBe(400);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(await replayed.text()).toBe(await refused.text());

    // 409 dataset_exists depends on the moment: once the dataset is gone, the retry creates it.
    expect((await post('/v1/datasets', undefined, declaration('idem_taken'))).status).toBe(201);
    const conflictKey = crypto.randomUUID();
    expect((await post('/v1/datasets', conflictKey, declaration('idem_taken'))).status).toBe(409);
    const deleted = await fetch(`${stack.apiUrl}/v1/datasets/idem_taken`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    const created = await post('/v1/datasets', conflictKey, declaration('idem_taken'));
    expect(created.status).toBe(201);
    expect(created.headers.get('idempotent-replayed')).toBeNull();

    // A 5xx: the catalog is locked, so creating the dataset runs into the statement timeout.
    const lock = new pg.Client({ connectionString: inject('databaseUrl') });
    await lock.connect();
    const failingKey = crypto.randomUUID();
    try {
      await lock.query('begin');
      await lock.query('lock table datasets in access exclusive mode');
      const failed = await post('/v1/datasets', failingKey, declaration('idem_after_5xx'));
      expect(failed.status).toBeGreaterThanOrEqual(500);
      await lock.query('rollback');
    } finally {
      await lock.end();
    }
    const retried = await post('/v1/datasets', failingKey, declaration('idem_after_5xx'));
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(await datasetsNamed('idem_after_5xx')).toBe(1);
  });

  it('is per tenant: the same key value of another tenant is its own request', async () => {
    const key = crypto.randomUUID();
    const mine = await post('/v1/datasets', key, declaration('idem_tenant'));
    expect(mine.status).toBe(201);
    const theirs = (await issueTestKey(inject('databaseUrl'), 'e2e-idempotent-posts-other')).key;
    const other = await post('/v1/datasets', key, declaration('idem_tenant'), theirs);
    expect(other.status).toBe(201);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    const otherAgain = await post('/v1/datasets', key, declaration('idem_tenant'), theirs);
    expect(otherAgain.headers.get('idempotent-replayed')).toBe('true');
    const { rows } = await db.query<{ n: number }>(
      "select count(*)::int as n from datasets where name = 'idem_tenant'",
    );
    expect(rows[0]!.n).toBe(2);
  });

  it('shares one key space with uploads: a key of POST /v1/jobs is 422 here and vice versa', async () => {
    const uploadKey = crypto.randomUUID();
    const upload = await fetch(`${stack.apiUrl}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', 'idempotency-key': uploadKey },
      body: CSV,
    });
    expect(upload.status).toBe(202);
    const here = await post('/v1/datasets', uploadKey, declaration('idem_shared'));
    expect(here.status).toBe(422);
    expect(await datasetsNamed('idem_shared')).toBe(0);

    const datasetKey = crypto.randomUUID();
    expect((await post('/v1/datasets', datasetKey, declaration('idem_shared'))).status).toBe(201);
    const there = await fetch(`${stack.apiUrl}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', 'idempotency-key': datasetKey },
      body: CSV,
    });
    expect(there.status).toBe(422);
    expect(await there.json()).toMatchObject({ code: 'idempotency_key_reused' });
  });

  it('refuses an invalid key with 400 invalid_idempotency_key and creates nothing', async () => {
    const res = await post('/v1/datasets', 'x'.repeat(256), declaration('idem_badkey'));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'invalid_idempotency_key' });
    expect(await datasetsNamed('idem_badkey')).toBe(0);
  });
});

describe('Idempotency-Key on POST /v1/keys', () => {
  it('replays the issued key (the same secret), issues one; the stored answer holds no readable secret', async () => {
    const key = crypto.randomUUID();
    const body = JSON.stringify({ scopes: ['jobs:read'], name: 'idem-issued' });
    const before = await keysOfTenant();
    const first = await post('/v1/keys', key, body);
    expect(first.status).toBe(201);
    const issued = (await first.json()) as { key: string; id: string };
    const again = await post('/v1/keys', key, body);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(((await again.json()) as { key: string }).key).toBe(issued.key);
    expect(await keysOfTenant()).toBe(before + 1);

    const secret = issued.key.split('_')[2]!;
    const { rows } = await db.query<{ stored: string }>(
      "select encode(response_body, 'escape') || coalesce(response_headers::text, '') as stored from idempotent_requests where tenant_id = $1",
      [stack.tenantId],
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.stored).not.toContain(secret);

    const other = await post('/v1/keys', key, JSON.stringify({ scopes: ['jobs:write'] }));
    expect(other.status).toBe(422);
    expect(await keysOfTenant()).toBe(before + 1);
  });

  it('of concurrent duplicates issues exactly one key', async () => {
    const key = crypto.randomUUID();
    const body = JSON.stringify({ scopes: ['jobs:read'], name: 'idem-race' });
    const before = await keysOfTenant();
    const answers = await Promise.all(Array.from({ length: 5 }, () => post('/v1/keys', key, body)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const issued = new Set(
      await Promise.all(
        answers
          .filter((r) => r.status === 201)
          .map(async (r) => ((await r.json()) as { key: string }).key),
      ),
    );
    expect(issued.size).toBe(1);
    expect(await keysOfTenant()).toBe(before + 1);
  });
});

describe('Idempotency-Key on POST /v1/jobs/{id}/cancel and /retry', () => {
  it('replays cancel and retry answers without a second effect', async () => {
    const job = await submitCsv(stack.apiUrl, CSV);
    const cancelKey = crypto.randomUUID();
    const cancelledBefore = await metric('sluice_jobs_cancelled_total');
    const cancelled = await post(`/v1/jobs/${job.id}/cancel`, cancelKey);
    expect(cancelled.status).toBe(200);
    const cancelAnswer = await cancelled.text();
    expect((JSON.parse(cancelAnswer) as JobBody).status).toBe('cancelled');
    const cancelAgain = await post(`/v1/jobs/${job.id}/cancel`, cancelKey);
    // Without the key this would be 409 job_already_final.
    expect(cancelAgain.status).toBe(200);
    expect(cancelAgain.headers.get('idempotent-replayed')).toBe('true');
    expect(await cancelAgain.text()).toBe(cancelAnswer);
    expect(await metric('sluice_jobs_cancelled_total')).toBe(cancelledBefore + 1);

    const retryKey = crypto.randomUUID();
    const retriedBefore = await metric('sluice_jobs_retried_total');
    const retried = await post(`/v1/jobs/${job.id}/retry`, retryKey);
    expect(retried.status).toBe(202);
    const retryAnswer = await retried.text();
    const retryAgain = await post(`/v1/jobs/${job.id}/retry`, retryKey);
    expect(retryAgain.status).toBe(202);
    expect(retryAgain.headers.get('idempotent-replayed')).toBe('true');
    expect(retryAgain.headers.get('location')).toBe(retried.headers.get('location'));
    expect(await retryAgain.text()).toBe(retryAnswer);
    expect(await metric('sluice_jobs_retried_total')).toBe(retriedBefore + 1);

    // The cancel key still names that first cancel: replayed, the requeued job is not cancelled.
    const lateCancel = await post(`/v1/jobs/${job.id}/cancel`, cancelKey);
    expect(lateCancel.headers.get('idempotent-replayed')).toBe('true');
    expect(await jobStatus(job.id)).toBe('queued');
    // The key names the cancel of this job: on the retry route it is another request.
    expect((await post(`/v1/jobs/${job.id}/retry`, cancelKey)).status).toBe(422);
  });

  it('frees the key after 409 job_not_retryable: the same retry runs once the job can be retried', async () => {
    const job = await submitCsv(stack.apiUrl, CSV);
    const key = crypto.randomUUID();
    const early = await post(`/v1/jobs/${job.id}/retry`, key);
    expect(early.status).toBe(409);
    expect(await early.json()).toMatchObject({ code: 'job_not_retryable' });
    expect((await post(`/v1/jobs/${job.id}/cancel`, undefined)).status).toBe(200);
    const later = await post(`/v1/jobs/${job.id}/retry`, key);
    expect(later.status).toBe(202);
    expect(later.headers.get('idempotent-replayed')).toBeNull();
    expect(await jobStatus(job.id)).toBe('queued');
  });

  it('of concurrent duplicate cancels runs exactly one', async () => {
    const job = await submitCsv(stack.apiUrl, CSV);
    const key = crypto.randomUUID();
    const before = await metric('sluice_jobs_cancelled_total');
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => post(`/v1/jobs/${job.id}/cancel`, key)),
    );
    for (const res of answers) expect([200, 409]).toContain(res.status);
    const ran = answers.filter(
      (r) => r.status === 200 && r.headers.get('idempotent-replayed') === null,
    );
    expect(ran).toHaveLength(1);
    for (const res of answers.filter((r) => r.status === 409)) {
      expect(await res.json()).toMatchObject({ code: 'idempotency_key_in_use' });
    }
    expect(await metric('sluice_jobs_cancelled_total')).toBe(before + 1);
  });
});

describe('Idempotency-Key on POST /v1/webhooks and rotate-secret', () => {
  it('replays the created endpoint (same id and secret) and the rotated secret; one endpoint, one rotation', async () => {
    const endpoints = async () => {
      const res = await fetch(`${stack.apiUrl}/v1/webhooks`);
      expect(res.status).toBe(200);
      return Number(res.headers.get('x-total-count'));
    };
    const before = await endpoints();
    const key = crypto.randomUUID();
    const body = JSON.stringify({ url: 'http://127.0.0.1:9/hook', events: ['job.completed'] });
    const first = await post('/v1/webhooks', key, body);
    expect(first.status).toBe(201);
    const created = (await first.json()) as { id: string; secret: string };
    const again = await post('/v1/webhooks', key, body);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(created);
    expect(await endpoints()).toBe(before + 1);
    expect((await post('/v1/webhooks', key, body.replace('hook', 'other'))).status).toBe(422);

    const rotateKey = crypto.randomUUID();
    const rotated = await post(`/v1/webhooks/${created.id}/rotate-secret`, rotateKey);
    expect(rotated.status).toBe(200);
    const { secret } = (await rotated.json()) as { secret: string };
    expect(secret).not.toBe(created.secret);
    const replayed = await post(`/v1/webhooks/${created.id}/rotate-secret`, rotateKey);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(((await replayed.json()) as { secret: string }).secret).toBe(secret);
    // Rotated once: the secret in force is the first rotation's.
    const { rows } = await db.query<{ secret: string }>(
      'select secret from webhook_endpoints where id = $1',
      [created.id],
    );
    expect(rows[0]!.secret).toBe(secret);
  });
});

describe('POST /v1/normalize', () => {
  it('ignores Idempotency-Key: a pure computation, answered without PostgreSQL', async () => {
    const body = JSON.stringify({ values: [{ type: 'email', value: ' A@B.com ' }] });
    for (let i = 0; i < 2; i++) {
      const res = await post('/v1/normalize', 'normalize-key', body);
      expect(res.status).toBe(200);
      expect(res.headers.get('idempotent-replayed')).toBeNull();
    }
  });
});

describe('POST /v1/previews', () => {
  it('ignores Idempotency-Key: it stores nothing, so each request is answered anew', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${stack.apiUrl}/v1/previews`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv', 'idempotency-key': 'preview-key' },
        body: 'email\nann@example.com\n',
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('idempotent-replayed')).toBeNull();
    }
  });
});
