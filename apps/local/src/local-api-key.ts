import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { API_SCOPES } from '@sluice/contract';
import { authenticateApiKey, type DatabaseHandle, ensureTenant, issueApiKey } from '@sluice/db';

/** The tenant `./dev start` works in. */
const LOCAL_TENANT = 'local';

/**
 * The API key `./dev start` prints: made on the first run (tenant `local`,
 * every scope) and kept in the data folder (mode 0600, next to the database
 * it opens), so each run prints the same key; a key that no longer
 * authenticates (revoked, or the database was reset) is replaced.
 */
export async function localApiKey(db: DatabaseHandle['db'], dataDir: string): Promise<string> {
  const file = `${dataDir}/api-key`;
  const kept = existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
  if (kept && (await authenticateApiKey(db, kept)).ok) return kept;
  const tenant = await ensureTenant(db, LOCAL_TENANT);
  const { key } = await issueApiKey(db, {
    tenantId: tenant.id,
    name: './dev start',
    scopes: API_SCOPES,
  });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}
