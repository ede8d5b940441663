// `pnpm keys`: the operator's command for tenants' API keys, run as a process
// against the test database.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { authenticateApiKey, createDatabase } from '@sluice/db';
import { afterAll, describe, expect, inject, it } from 'vitest';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../apps/api/src/admin/api-keys-cli.ts', import.meta.url));
const database = createDatabase({ url: inject('databaseUrl'), poolSize: 1 });
afterAll(() => database.close());

async function keys(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      env: { ...process.env, DATABASE_URL: inject('databaseUrl') },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('pnpm keys', () => {
  const tenant = `cli-${randomUUID().slice(0, 8)}`;

  it('creates a tenant and a key, printed once, that authenticates; lists it; revokes it', async () => {
    const created = await keys(
      'create',
      '--tenant',
      tenant,
      '--scopes',
      'jobs:read,jobs:write',
      '--name',
      'ci',
    );
    expect(created.code, created.stderr).toBe(0);
    const key = /API key: (slc_\S+)/.exec(created.stdout)?.[1];
    expect(key).toBeDefined();
    const check = await authenticateApiKey(database.db, key!);
    expect(check).toMatchObject({
      ok: true,
      principal: { tenantName: tenant, scopes: ['jobs:read', 'jobs:write'] },
    });
    const id = key!.split('_')[1]!;

    const listed = await keys('list', '--tenant', tenant);
    expect(listed.stdout).toContain(`${id}\tci\tjobs:read,jobs:write\tactive`);
    expect(listed.stdout).not.toContain(key!.split('_')[2]!);

    expect((await keys('revoke', '--tenant', tenant, id)).code).toBe(0);
    expect(await authenticateApiKey(database.db, key!)).toEqual({ ok: false, reason: 'revoked' });
    expect((await keys('list', '--tenant', tenant)).stdout).toMatch(/\trevoked /);
  });

  it.each([
    [['create', '--tenant', 'x', '--scopes', 'jobs:read,root'], /unknown: root/],
    [['create', '--tenant', 'x'], /--scopes must list/],
    [['create', '--tenant', 'x', '--scopes', 'admin', '--expires', 'soon'], /not a date/],
    [['list', '--tenant', 'nobody-here'], /no tenant named nobody-here/],
    [['revoke', '--tenant', 'nobody-here', 'abc'], /no tenant/],
    [['list'], /--tenant is required/],
    [['frobnicate', '--tenant', 'x'], /unknown command frobnicate/],
    [['create', '--tenant', 'x', '--bogus'], /Unknown option/],
  ])('refuses %j with usage (exit 2)', async (args, message) => {
    const result = await keys(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('usage:');
  });

  it('refuses a tenant name it cannot store (exit 1, the reason)', async () => {
    const result = await keys('create', '--tenant', 'Not Valid', '--scopes', 'admin');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/tenant name "Not Valid" must be/);
  });
});
