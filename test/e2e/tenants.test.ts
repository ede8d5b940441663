// API keys and tenants: every /v1 route needs a key; a key acts for its
// tenant only (another tenant's job or dataset is 404, exactly like one that
// does not exist), and only within its scopes.

import { createDatabase, revokeApiKey } from '@sluice/db';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { issueTestKey } from '../support/api-keys.ts';
import { type JobBody, submitCsv, waitForJob } from '../support/client.ts';
import { type Stack, startStack } from '../support/stack.ts';

let stack: Stack;
/** Tenant B's key, with every scope. */
let other: string;
const database = createDatabase({ url: inject('databaseUrl'), poolSize: 1 });

beforeAll(async () => {
  stack = await startStack({ queuePrefix: '{e2e-tenants}' });
  other = (await issueTestKey(inject('databaseUrl'), 'e2e-tenants-b')).key;
});

afterAll(async () => {
  await database.close();
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

const as = (key: string | undefined, path: string, init: RequestInit = {}) =>
  fetch(`${stack.apiUrl}${path}`, {
    ...init,
    headers: {
      ...(init.headers as Record<string, string>),
      authorization: key === undefined ? '' : `Bearer ${key}`,
    },
  });
const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const declaration = (name: string) => ({
  name,
  key: ['email'],
  columns: [
    { name: 'email', type: 'email', required: true },
    { name: 'name', type: 'name' },
  ],
});

describe('authentication', () => {
  it('refuses /v1 without a key (401, WWW-Authenticate), leaves health and metrics open', async () => {
    const res = await fetch(`${stack.apiUrl}/v1/jobs`, { headers: { authorization: '' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="sluice"');
    expect(await res.json()).toMatchObject({ code: 'unauthorized' });
    for (const path of ['/health/live', '/health/ready', '/metrics']) {
      expect((await fetch(`${stack.apiUrl}${path}`)).status, path).toBe(200);
    }
  });

  it('says why a key does not authenticate: malformed, unknown, revoked, expired', async () => {
    const reasonOf = async (key: string) => {
      const res = await as(key, '/v1/jobs');
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(
        /^Bearer realm="sluice", error="invalid_token"/,
      );
      const body = (await res.json()) as { code: string; reason: string };
      expect(body.code).toBe('invalid_api_key');
      return body.reason;
    };
    expect(await reasonOf('not-a-key')).toBe('malformed');
    expect(await reasonOf(`slc_${'0'.repeat(16)}_${'0'.repeat(64)}`)).toBe('unknown');
    const [, id, secret] = stack.apiKey.split('_');
    expect(
      await reasonOf(`slc_${id}_${secret!.replace(/.$/, (c) => (c === '0' ? '1' : '0'))}`),
    ).toBe('unknown');
    const revoked = await issueTestKey(inject('databaseUrl'), 'e2e-tenants');
    expect(await revokeApiKey(database.db, revoked.tenantId, revoked.keyId)).toBe(true);
    expect(await reasonOf(revoked.key)).toBe('revoked');
    const expired = await issueTestKey(inject('databaseUrl'), 'e2e-tenants', undefined, {
      expiresAt: new Date(Date.now() - 1000),
    });
    expect(await reasonOf(expired.key)).toBe('expired');
  });

  it('holds a key to its scopes (403 insufficient_scope naming them)', async () => {
    const reader = (await issueTestKey(inject('databaseUrl'), 'e2e-tenants', ['jobs:read'])).key;
    expect((await as(reader, '/v1/jobs')).status).toBe(200);
    const upload = await as(reader, '/v1/jobs', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'a\n1\n',
    });
    expect(upload.status).toBe(403);
    expect(upload.headers.get('www-authenticate')).toMatch(
      /error="insufficient_scope", scope="jobs:write"/,
    );
    expect(await upload.json()).toMatchObject({
      code: 'insufficient_scope',
      requiredScopes: ['jobs:write'],
    });
    expect((await as(reader, '/v1/datasets')).status).toBe(403);

    // An import writes into a dataset too.
    const jobsOnly = (
      await issueTestKey(inject('databaseUrl'), 'e2e-tenants', ['jobs:write', 'jobs:read'])
    ).key;
    const importing = await as(jobsOnly, '/v1/jobs?type=import&dataset=people', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'email\na@b.co\n',
    });
    expect(importing.status).toBe(403);
    expect(await importing.json()).toMatchObject({ requiredScopes: ['datasets:write'] });
  });
});

describe("another tenant's resources", () => {
  it('are 404 on every route, like ones that do not exist, and stay untouched', async () => {
    // Tenant A (the stack's key): a job with an error report, a dataset with rows.
    expect((await as(stack.apiKey, '/v1/datasets', json(declaration('people')))).status).toBe(201);
    const imported = await waitForJob(
      stack.apiUrl,
      (
        await submitCsv(
          stack.apiUrl,
          'email,name\nann@example.com,Ann\nnot-mail,Bob\n',
          '?type=import&dataset=people',
        )
      ).id,
    );
    expect(imported.status).toBe('completed');
    // Tenant B may have a dataset of the same name: its own.
    expect((await as(other, '/v1/datasets', json(declaration('people')))).status).toBe(201);

    const missingJob = '00000000-0000-4000-8000-00000000abcd';
    const jobRoutes: Array<[string, string]> = [
      ['GET', ''],
      ['GET', '/result.csv'],
      ['GET', '/errors.csv'],
      ['GET', '/events'],
      ['POST', '/cancel'],
      ['POST', '/retry'],
      ['DELETE', ''],
    ];
    for (const [method, suffix] of jobRoutes) {
      const theirs = await as(other, `/v1/jobs/${imported.id}${suffix}`, { method });
      const none = await as(other, `/v1/jobs/${missingJob}${suffix}`, { method });
      expect([theirs.status, none.status], `${method} ${suffix}`).toEqual([404, 404]);
      const [a, b] = (await Promise.all([theirs.json(), none.json()])) as Array<
        Record<string, unknown>
      >;
      expect(a!.code).toBe('job_not_found');
      expect(Object.keys(a!).sort()).toEqual(Object.keys(b!).sort());
    }
    const onlyA = 'people_a_only';
    expect((await as(stack.apiKey, '/v1/datasets', json(declaration(onlyA)))).status).toBe(201);
    for (const [method, suffix] of [
      ['GET', ''],
      ['GET', '/rows'],
      ['GET', '/export.csv'],
      ['DELETE', ''],
    ] as const) {
      const res = await as(other, `/v1/datasets/${onlyA}${suffix}`, { method });
      expect(res.status, `${method} ${suffix}`).toBe(404);
      expect(((await res.json()) as { code: string }).code).toBe('dataset_not_found');
    }
    const importIntoTheirs = await as(other, `/v1/jobs?type=import&dataset=${onlyA}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'email\nx@y.co\n',
    });
    expect(importIntoTheirs.status).toBe(404);

    // Listings and counts: B sees only its own.
    const jobsOfB = await as(other, '/v1/jobs');
    expect(jobsOfB.headers.get('x-total-count')).toBe('0');
    expect(await jobsOfB.json()).toEqual([]);
    const datasetsOfB = await as(other, '/v1/datasets');
    expect(((await datasetsOfB.json()) as Array<{ name: string }>).map((d) => d.name)).toEqual([
      'people',
    ]);
    const peopleOfB = (await (await as(other, '/v1/datasets/people')).json()) as {
      rowCount: number;
    };
    expect(peopleOfB.rowCount).toBe(0);

    // A's job and dataset are as they were.
    const mine = (await (await as(stack.apiKey, `/v1/jobs/${imported.id}`)).json()) as JobBody;
    expect(mine.status).toBe('completed');
    const peopleOfA = (await (await as(stack.apiKey, '/v1/datasets/people')).json()) as {
      rowCount: number;
    };
    expect(peopleOfA.rowCount).toBe(1);
    const errors = await as(stack.apiKey, `/v1/jobs/${imported.id}/errors.csv`);
    expect(errors.status).toBe(200);
    expect(await errors.text()).toContain('not-mail');
  });
});

describe('key management over HTTP (scope admin)', () => {
  it('issues a key once, lists keys without secrets, revokes within the tenant only', async () => {
    const created = await as(
      stack.apiKey,
      '/v1/keys',
      json({ scopes: ['jobs:read'], name: 'reporting' }),
    );
    expect(created.status).toBe(201);
    const body = (await created.json()) as { key: string; id: string; scopes: string[] };
    expect(body).toMatchObject({ scopes: ['jobs:read'], name: 'reporting' });
    expect(body.key).toMatch(new RegExp(`^slc_${body.id}_[0-9a-f]{64}$`));

    const listed = await as(stack.apiKey, '/v1/keys');
    const text = await listed.text();
    expect(text).toContain(body.id);
    expect(text).not.toContain(body.key.split('_')[2]);
    // Tenant B can neither see nor revoke it.
    expect(await (await as(other, '/v1/keys')).text()).not.toContain(body.id);
    expect((await as(other, `/v1/keys/${body.id}`, { method: 'DELETE' })).status).toBe(404);

    expect((await as(stack.apiKey, `/v1/keys/${body.id}`, { method: 'DELETE' })).status).toBe(204);
    const refused = await as(body.key, '/v1/jobs');
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ reason: 'revoked' });
  });

  it('needs the admin scope, and a valid request', async () => {
    const reader = (await issueTestKey(inject('databaseUrl'), 'e2e-tenants', ['jobs:read'])).key;
    const denied = await as(reader, '/v1/keys', json({ scopes: ['admin'] }));
    expect(denied.status).toBe(403);
    for (const bad of [
      {},
      { scopes: [] },
      { scopes: ['root'] },
      { scopes: ['jobs:read'], expiresAt: '2001-01-01' },
      { scopes: ['jobs:read'], extra: 1 },
    ]) {
      const res = await as(stack.apiKey, '/v1/keys', json(bad));
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe('invalid_key_request');
    }
  });
});
