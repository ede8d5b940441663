import { sql } from 'kysely';
import type { Executor } from './schema.ts';

/** How long a key names its request and answer (the IETF draft's usual 24 hours). */
const KEY_LIFETIME = sql`interval '24 hours'`;

/** A response kept for replay; its body as the caller stored it (apps/api encrypts it). */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** What claiming a key found. */
export type IdempotentClaim =
  /** The key is this request's now: run it, then `finish` or `release` with `token`. */
  | { outcome: 'claimed'; token: string }
  /** The same request was answered: send `response` again. */
  | { outcome: 'replay'; response: StoredResponse }
  /** The key names a different request (another fingerprint, or an upload of POST /v1/jobs). */
  | { outcome: 'mismatch' }
  /** The same request is running elsewhere; its claim lapses in `retryAfterMs` at most. */
  | { outcome: 'in-progress'; retryAfterMs: number };

interface ClaimRequest {
  tenantId: string;
  keyHash: Buffer;
  /** The Idempotency-Key as sent: POST /v1/jobs' own table stores it in the clear. */
  key: string;
  fingerprint: Buffer;
  /** How long the claim holds before another request may take the key over. */
  claimForMs: number;
}

/**
 * Claims a tenant's Idempotency-Key for a request, or says what holds it.
 * The insert is the claim (primary key tenant + key hash, `on conflict do
 * nothing`), so of concurrent duplicates exactly one wins. A use older than
 * 24 hours, or a claim that lapsed (its process died or hangs), is removed
 * first. One key space per tenant, as the draft has it: a key an upload
 * (POST /v1/jobs) used is a different request here.
 */
export async function claimIdempotentRequest(
  db: Executor,
  claim: ClaimRequest,
): Promise<IdempotentClaim> {
  const usedByUpload = await db
    .selectFrom('idempotency_keys')
    .select('job_id')
    .where('tenant_id', '=', claim.tenantId)
    .where('key', '=', claim.key)
    .where('created_at', '>', sql<Date>`now() - ${KEY_LIFETIME}`)
    .executeTakeFirst();
  if (usedByUpload) return { outcome: 'mismatch' };

  // Twice at most: a holder may release the key between our insert and our read.
  for (let attempt = 1; ; attempt++) {
    const found = await claimOnce(db, claim);
    if (found !== 'released' || attempt === 2) {
      return found === 'released' ? { outcome: 'in-progress', retryAfterMs: 0 } : found;
    }
  }
}

async function claimOnce(db: Executor, claim: ClaimRequest): Promise<IdempotentClaim | 'released'> {
  await db
    .deleteFrom('idempotent_requests')
    .where('tenant_id', '=', claim.tenantId)
    .where('key_hash', '=', claim.keyHash)
    .where((eb) =>
      eb.or([
        eb('created_at', '<=', sql<Date>`now() - ${KEY_LIFETIME}`),
        eb.and([eb('state', '=', 'in_progress'), eb('claimed_until', '<=', sql<Date>`now()`)]),
      ]),
    )
    .execute();
  const token = crypto.randomUUID();
  const inserted = await db
    .insertInto('idempotent_requests')
    .values({
      tenant_id: claim.tenantId,
      key_hash: claim.keyHash,
      fingerprint: claim.fingerprint,
      state: 'in_progress',
      claim_token: token,
      claimed_until: sql<Date>`now() + make_interval(secs => ${claim.claimForMs / 1000})`,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'key_hash']).doNothing())
    .returning('claim_token')
    .executeTakeFirst();
  if (inserted) return { outcome: 'claimed', token };

  const held = await db
    .selectFrom('idempotent_requests')
    .select([
      'fingerprint',
      'state',
      'response_status',
      'response_headers',
      'response_body',
      sql<number>`greatest(0, ceil(extract(epoch from claimed_until - now()) * 1000))::int`.as(
        'remaining_ms',
      ),
    ])
    .where('tenant_id', '=', claim.tenantId)
    .where('key_hash', '=', claim.keyHash)
    .executeTakeFirst();
  if (!held) return 'released';
  if (!held.fingerprint.equals(claim.fingerprint)) return { outcome: 'mismatch' };
  if (held.state === 'in_progress' || held.response_status === null || !held.response_body) {
    return { outcome: 'in-progress', retryAfterMs: held.remaining_ms };
  }
  return {
    outcome: 'replay',
    response: {
      status: held.response_status,
      headers: readHeaders(held.response_headers),
      body: held.response_body,
    },
  };
}

function readHeaders(stored: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  if (typeof stored !== 'object' || stored === null) return headers;
  for (const [name, value] of Object.entries(stored)) {
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}

interface HeldClaim {
  tenantId: string;
  keyHash: Buffer;
  token: string;
}

/**
 * Stores the answer of a claimed request: later identical requests replay
 * it. False when the claim is no longer this request's (it lapsed and
 * another request took the key over): nothing is stored then.
 */
export async function finishIdempotentRequest(
  db: Executor,
  claim: HeldClaim,
  response: StoredResponse,
): Promise<boolean> {
  const updated = await db
    .updateTable('idempotent_requests')
    .set({
      state: 'done',
      response_status: response.status,
      response_headers: JSON.stringify(response.headers),
      response_body: response.body,
    })
    .where('tenant_id', '=', claim.tenantId)
    .where('key_hash', '=', claim.keyHash)
    .where('claim_token', '=', claim.token)
    .where('state', '=', 'in_progress')
    .executeTakeFirst();
  return updated.numUpdatedRows > 0n;
}

/** Gives a claimed key up (the request failed in a way worth retrying): the next request runs. */
export async function releaseIdempotentRequest(db: Executor, claim: HeldClaim): Promise<void> {
  await db
    .deleteFrom('idempotent_requests')
    .where('tenant_id', '=', claim.tenantId)
    .where('key_hash', '=', claim.keyHash)
    .where('claim_token', '=', claim.token)
    .where('state', '=', 'in_progress')
    .execute();
}

/** True when a live use of the key by another POST holds it (POST /v1/jobs then answers 422). */
export async function isIdempotencyKeyHeld(
  db: Executor,
  tenantId: string,
  keyHash: Buffer,
): Promise<boolean> {
  const row = await db
    .selectFrom('idempotent_requests')
    .select('state')
    .where('tenant_id', '=', tenantId)
    .where('key_hash', '=', keyHash)
    .where('created_at', '>', sql<Date>`now() - ${KEY_LIFETIME}`)
    .where((eb) => eb.or([eb('state', '=', 'done'), eb('claimed_until', '>', sql<Date>`now()`)]))
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Deletes up to `limit` uses older than 24 hours (the retention purge;
 * claiming removes an expired use of its own key too). Returns how many went.
 */
export async function purgeExpiredIdempotentRequests(db: Executor, limit: number): Promise<number> {
  const result = await sql`
    delete from idempotent_requests
    where ctid in (
      select ctid from idempotent_requests
      where created_at <= now() - ${KEY_LIFETIME}
      order by created_at
      limit ${limit}
      for update skip locked
    )`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}
