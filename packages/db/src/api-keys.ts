import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { type ApiScope, isApiScope } from '@sluice/contract';
import { sql } from 'kysely';
import type { Executor } from './schema.ts';

/**
 * API keys read `slc_<id>_<secret>`: 16 hex digits of id (public: it names
 * the key in listings and logs) and 64 of secret (256 random bits). Hex, so
 * the `_` separators cannot occur inside a part and a key survives any
 * copy-paste. The secret is stored as its SHA-256 only: with 256 random bits
 * a fast hash is enough (nothing to brute-force), and checking a key costs
 * microseconds on every request.
 */
const KEY_PATTERN = /^slc_([0-9a-f]{16})_([0-9a-f]{64})$/;

const TENANT_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export interface Tenant {
  id: string;
  name: string;
}

export interface ApiKeyView {
  id: string;
  tenantId: string;
  name: string;
  scopes: ApiScope[];
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Who a request is: the key's tenant and what the key may do. */
export interface ApiPrincipal {
  keyId: string;
  tenantId: string;
  tenantName: string;
  scopes: ApiScope[];
}

/** Why a presented key does not authenticate (each a 401). */
export type ApiKeyRejection = 'malformed' | 'unknown' | 'revoked' | 'expired';

export type ApiKeyCheck =
  | { ok: true; principal: ApiPrincipal }
  | { ok: false; reason: ApiKeyRejection };

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest();

/** Hashed when the id is unknown, so that answer takes as long as a wrong secret. */
const DECOY_HASH = hashSecret('0'.repeat(64));

/** Creates the tenant, or returns the one of that name. */
export async function ensureTenant(db: Executor, name: string): Promise<Tenant> {
  if (!TENANT_NAME_PATTERN.test(name)) {
    throw new RangeError(
      `tenant name ${JSON.stringify(name)} must be 1-63 of a-z, 0-9, _ and -, starting with a letter or digit`,
    );
  }
  await db
    .insertInto('tenants')
    .values({ id: randomUUID(), name })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  return db
    .selectFrom('tenants')
    .select(['id', 'name'])
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
}

export async function findTenant(db: Executor, name: string): Promise<Tenant | undefined> {
  return db
    .selectFrom('tenants')
    .select(['id', 'name'])
    .where('name', '=', name)
    .executeTakeFirst();
}

export interface NewApiKey {
  tenantId: string;
  name: string;
  scopes: readonly ApiScope[];
  expiresAt?: Date | null;
}

/**
 * Issues a key: returns the key text, which exists only in this answer (the
 * database keeps its hash), and the key's stored view.
 */
export async function issueApiKey(
  db: Executor,
  key: NewApiKey,
): Promise<{ key: string; view: ApiKeyView }> {
  const scopes = [...new Set(key.scopes)];
  if (scopes.length === 0) throw new RangeError('an API key needs at least one scope');
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('hex');
  const row = await db
    .insertInto('api_keys')
    .values({
      id,
      tenant_id: key.tenantId,
      name: key.name,
      secret_hash: hashSecret(secret),
      scopes,
      expires_at: key.expiresAt ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { key: `slc_${id}_${secret}`, view: present(row) };
}

function present(row: {
  id: string;
  tenant_id: string;
  name: string;
  scopes: string[];
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}): ApiKeyView {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    // A scope this version does not know (written by a newer one) grants nothing.
    scopes: row.scopes.filter(isApiScope),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/** Reads as a Sluice API key (slc_<id>_<secret>): anything else is `malformed` without a lookup. */
export function isApiKeyShaped(presented: string): boolean {
  return KEY_PATTERN.test(presented);
}

/**
 * Checks a presented key. The secret is compared by hash in constant time,
 * and an unknown id costs the same hash, so answers do not tell how much of
 * a guess was right. last_used_at is written at most once a minute per key
 * (not a write per request).
 */
export async function authenticateApiKey(db: Executor, presented: string): Promise<ApiKeyCheck> {
  const parts = KEY_PATTERN.exec(presented);
  if (!parts) return { ok: false, reason: 'malformed' };
  const [, id, secret] = parts as unknown as [string, string, string];
  const row = await db
    .selectFrom('api_keys as k')
    .innerJoin('tenants as t', 't.id', 'k.tenant_id')
    .select([
      'k.id',
      'k.tenant_id',
      't.name as tenant_name',
      'k.secret_hash',
      'k.scopes',
      'k.expires_at',
      'k.revoked_at',
      sql<boolean>`k.expires_at is not null and k.expires_at <= now()`.as('expired'),
    ])
    .where('k.id', '=', id)
    .executeTakeFirst();
  const matches = timingSafeEqual(hashSecret(secret), row?.secret_hash ?? DECOY_HASH);
  if (!row || !matches) return { ok: false, reason: 'unknown' };
  if (row.revoked_at !== null) return { ok: false, reason: 'revoked' };
  if (row.expired) return { ok: false, reason: 'expired' };
  await db
    .updateTable('api_keys')
    .set({ last_used_at: sql`now()` })
    .where('id', '=', id)
    .where((eb) =>
      eb.or([
        eb('last_used_at', 'is', null),
        eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`),
      ]),
    )
    .execute();
  return {
    ok: true,
    principal: {
      keyId: row.id,
      tenantId: row.tenant_id,
      tenantName: row.tenant_name,
      scopes: row.scopes.filter(isApiScope),
    },
  };
}

/** The tenant's keys, newest first (revoked ones included, marked). */
export async function listApiKeys(db: Executor, tenantId: string): Promise<ApiKeyView[]> {
  const rows = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(present);
}

/** Revokes a key of the tenant; false when the tenant has no such key. Idempotent. */
export async function revokeApiKey(db: Executor, tenantId: string, id: string): Promise<boolean> {
  const row = await db
    .updateTable('api_keys')
    .set({ revoked_at: sql`coalesce(revoked_at, now())` })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}
