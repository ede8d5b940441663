import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  authenticateApiKey,
  ensureTenant,
  findTenant,
  issueApiKey,
  listApiKeys,
  revokeApiKey,
} from './api-keys.ts';
import { createDatabase } from './connection.ts';
import { migrateToLatest } from './migrate.ts';

const handle = createDatabase({ url: inject('databaseUrl'), poolSize: 2 });
const { db } = handle;

beforeAll(async () => {
  await migrateToLatest(db);
});
afterAll(() => handle.close());

const tenantName = () => `t-${randomUUID().slice(0, 8)}`;

describe('tenants', () => {
  it('are created once by name', async () => {
    const name = tenantName();
    const a = await ensureTenant(db, name);
    const b = await ensureTenant(db, name);
    expect(b).toEqual(a);
    expect(await findTenant(db, name)).toEqual(a);
    expect(await findTenant(db, tenantName())).toBeUndefined();
  });

  it.each(['', 'Upper', '-lead', 'a b', 'x'.repeat(64), 'nul\0'])(
    'refuse the name %j',
    async (name) => {
      await expect(ensureTenant(db, name)).rejects.toThrow(RangeError);
    },
  );
});

describe('API keys', () => {
  it('are shown once as slc_<id>_<secret>; only the id and the secret hash are stored', async () => {
    const tenant = await ensureTenant(db, tenantName());
    const { key, view } = await issueApiKey(db, {
      tenantId: tenant.id,
      name: 'ci',
      scopes: ['jobs:read', 'jobs:write', 'jobs:read'],
    });
    expect(key).toMatch(/^slc_[0-9a-f]{16}_[0-9a-f]{64}$/);
    expect(key.split('_')[1]).toBe(view.id);
    expect(view).toMatchObject({
      tenantId: tenant.id,
      name: 'ci',
      scopes: ['jobs:read', 'jobs:write'],
    });
    const secret = key.split('_')[2]!;
    const stored = await sql<{
      row: string;
    }>`select api_keys::text as row from api_keys where id = ${view.id}`.execute(db);
    expect(stored.rows[0]!.row).not.toContain(secret);
  });

  it('authenticate to their tenant and scopes, and record when they were last used', async () => {
    const tenant = await ensureTenant(db, tenantName());
    const { key, view } = await issueApiKey(db, {
      tenantId: tenant.id,
      name: 'app',
      scopes: ['datasets:read'],
    });
    expect(await authenticateApiKey(db, key)).toEqual({
      ok: true,
      principal: {
        keyId: view.id,
        tenantId: tenant.id,
        tenantName: tenant.name,
        scopes: ['datasets:read'],
      },
    });
    const [listed] = await listApiKeys(db, tenant.id);
    expect(listed?.lastUsedAt).toBeInstanceOf(Date);
  });

  it('refuse malformed, unknown, wrong-secret, revoked and expired keys, each with its reason', async () => {
    const tenant = await ensureTenant(db, tenantName());
    const { key, view } = await issueApiKey(db, {
      tenantId: tenant.id,
      name: 'k',
      scopes: ['jobs:read'],
    });
    const [, id, secret] = key.split('_') as [string, string, string];
    const reason = async (presented: string) => {
      const check = await authenticateApiKey(db, presented);
      return check.ok ? 'ok' : check.reason;
    };
    expect(await reason('')).toBe('malformed');
    expect(await reason(`Bearer ${key}`)).toBe('malformed');
    expect(await reason(`${key}0`)).toBe('malformed');
    expect(await reason(`slc_${'0'.repeat(16)}_${secret}`)).toBe('unknown');
    expect(await reason(`slc_${id}_${'0'.repeat(64)}`)).toBe('unknown');
    expect(await reason(key)).toBe('ok');

    const other = await ensureTenant(db, tenantName());
    expect(await revokeApiKey(db, other.id, view.id)).toBe(false);
    expect(await reason(key)).toBe('ok');
    expect(await revokeApiKey(db, tenant.id, view.id)).toBe(true);
    expect(await revokeApiKey(db, tenant.id, view.id)).toBe(true);
    expect(await reason(key)).toBe('revoked');

    const expired = await issueApiKey(db, {
      tenantId: tenant.id,
      name: 'old',
      scopes: ['jobs:read'],
      expiresAt: new Date(Date.now() - 1000),
    });
    expect(await reason(expired.key)).toBe('expired');
    const later = await issueApiKey(db, {
      tenantId: tenant.id,
      name: 'later',
      scopes: ['jobs:read'],
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    expect(await reason(later.key)).toBe('ok');
  });

  it('need a scope', async () => {
    const tenant = await ensureTenant(db, tenantName());
    await expect(
      issueApiKey(db, { tenantId: tenant.id, name: 'none', scopes: [] }),
    ).rejects.toThrow(RangeError);
  });

  it('list only the tenant’s own keys, newest first', async () => {
    const a = await ensureTenant(db, tenantName());
    const b = await ensureTenant(db, tenantName());
    const first = await issueApiKey(db, { tenantId: a.id, name: 'first', scopes: ['admin'] });
    await issueApiKey(db, { tenantId: b.id, name: 'theirs', scopes: ['admin'] });
    const second = await issueApiKey(db, { tenantId: a.id, name: 'second', scopes: ['admin'] });
    const ids = (await listApiKeys(db, a.id)).map((k) => k.id);
    expect(ids).toEqual([second.view.id, first.view.id]);
  });
});
