import { parseArgs } from 'node:util';
import { API_SCOPES, isApiScope } from '@sluice/contract';
import {
  createDatabase,
  ensureTenant,
  findTenant,
  issueApiKey,
  listApiKeys,
  revokeApiKey,
} from '@sluice/db';

// `pnpm keys <command>`: manages tenants' API keys in DATABASE_URL, for
// operators (the admin endpoints do the same over HTTP for a tenant's admin key).
const USAGE = `usage:
  pnpm keys create --tenant <name> --scopes <scope,...> [--name <label>] [--expires <ISO date>]
  pnpm keys list --tenant <name>
  pnpm keys revoke --tenant <name> <key id>
scopes: ${API_SCOPES.join(', ')}
create makes the tenant if it does not exist and prints the key once; only its hash is stored.`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        tenant: { type: 'string' },
        scopes: { type: 'string' },
        name: { type: 'string' },
        expires: { type: 'string' },
      },
    });
  } catch (error) {
    return fail((error as Error).message);
  }
})();
const [command, ...rest] = positionals;
if (!values.tenant) fail('--tenant is required');
const url = process.env.DATABASE_URL;
if (!url) fail('DATABASE_URL is required');

const { db, close } = createDatabase({ url, poolSize: 1, applicationName: 'sluice-keys' });
try {
  if (command === 'create') {
    const scopes = (values.scopes ?? '').split(',').filter(Boolean);
    const unknown = scopes.filter((s) => !isApiScope(s));
    if (scopes.length === 0 || unknown.length > 0) {
      fail(
        `--scopes must list one or more known scopes${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`,
      );
    }
    const expiresAt = values.expires === undefined ? null : new Date(values.expires);
    if (expiresAt && Number.isNaN(expiresAt.getTime()))
      fail(`--expires ${values.expires} is not a date`);
    const tenant = await ensureTenant(db, values.tenant);
    const { key, view } = await issueApiKey(db, {
      tenantId: tenant.id,
      name: values.name ?? '',
      scopes: scopes.filter(isApiScope),
      expiresAt,
    });
    console.log(`tenant ${tenant.name}: key ${view.id} (${view.scopes.join(', ')})`);
    console.log(`API key: ${key}`);
    console.log('Store it now: it is not shown again.');
  } else if (command === 'list' || command === 'revoke') {
    const tenant = await findTenant(db, values.tenant);
    if (!tenant) fail(`no tenant named ${values.tenant}`);
    if (command === 'list') {
      for (const k of await listApiKeys(db, tenant.id)) {
        const state = k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active';
        console.log(
          [
            k.id,
            k.name || '-',
            k.scopes.join(','),
            state,
            `last used ${k.lastUsedAt?.toISOString() ?? 'never'}`,
            `expires ${k.expiresAt?.toISOString() ?? 'never'}`,
          ].join('\t'),
        );
      }
    } else {
      const [id] = rest;
      if (!id) fail('revoke needs a key id');
      if (!(await revokeApiKey(db, tenant.id, id))) fail(`tenant ${tenant.name} has no key ${id}`);
      console.log(`revoked ${id}`);
    }
  } else {
    fail(command ? `unknown command ${command}` : 'a command is required');
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
} finally {
  await close();
}
