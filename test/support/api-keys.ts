import { API_SCOPES, type ApiScope } from '@sluice/contract';
import { createDatabase, ensureTenant, issueApiKey } from '@sluice/db';

/**
 * Test clients act as an integrator does: with an API key of their tenant.
 * A key registered for an API origin is sent by every fetch() to that
 * origin's /v1 that does not set Authorization itself (the authentication
 * tests do), and by the raw HTTP helpers through `authHeader`.
 */
const keysByOrigin = new Map<string, string>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  const original = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const key = keysByOrigin.get(url.origin);
    if (!key || !url.pathname.startsWith('/v1')) return original(input, init);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : {}));
    if (!headers.has('authorization')) headers.set('authorization', `Bearer ${key}`);
    return original(input, { ...init, headers });
  };
}

/** From now on, requests to `apiUrl` authenticate with `key`. */
export function useApiKey(apiUrl: string, key: string): void {
  install();
  keysByOrigin.set(new URL(apiUrl).origin, key);
}

/** The Authorization header for a raw request to `url` (empty when no key is registered). */
export function authHeader(url: string): Record<string, string> {
  const key = keysByOrigin.get(new URL(url).origin);
  return key ? { authorization: `Bearer ${key}` } : {};
}

/** A tenant name from any label (a queue prefix): what TENANT names allow. */
function tenantNameFor(label: string): string {
  return (
    label
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/^[^a-z0-9]+|-+$/g, '')
      .slice(0, 63) || 'tests'
  );
}

/** Issues a key of `tenant` (created if new) in the database at `databaseUrl`. */
export async function issueTestKey(
  databaseUrl: string,
  tenant: string,
  scopes: readonly ApiScope[] = API_SCOPES,
  options: { expiresAt?: Date } = {},
): Promise<{ key: string; keyId: string; tenantId: string }> {
  const database = createDatabase({ url: databaseUrl, poolSize: 1 });
  try {
    const { id: tenantId } = await ensureTenant(database.db, tenantNameFor(tenant));
    const { key, view } = await issueApiKey(database.db, {
      tenantId,
      name: 'tests',
      scopes,
      expiresAt: options.expiresAt ?? null,
    });
    return { key, keyId: view.id, tenantId };
  } finally {
    await database.close();
  }
}
