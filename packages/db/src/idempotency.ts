import { sql } from 'kysely';
import type { Executor } from './schema.ts';

/** How long a key names its request (the IETF draft's usual 24 hours). */
const KEY_LIFETIME = sql`interval '24 hours'`;

/** What a key already names: its job, and the request's fingerprint once known. */
export interface IdempotentRequest {
  jobId: string;
  /** Null while the first request's body is still arriving. */
  fingerprint: Buffer | null;
  /** The job was accepted (its 202 was sent or is being sent). */
  accepted: boolean;
}

/** The tenant's live use of `key`, if any (uses older than 24 h are gone). */
export async function findIdempotentRequest(
  db: Executor,
  tenantId: string,
  key: string,
): Promise<IdempotentRequest | undefined> {
  const row = await db
    .selectFrom('idempotency_keys as i')
    .innerJoin('jobs as j', 'j.id', 'i.job_id')
    .select(['i.job_id', 'i.fingerprint', 'j.status'])
    .where('i.tenant_id', '=', tenantId)
    .where('i.key', '=', key)
    .where('i.created_at', '>', sql<Date>`now() - ${KEY_LIFETIME}`)
    .executeTakeFirst();
  if (!row) return undefined;
  return { jobId: row.job_id, fingerprint: row.fingerprint, accepted: row.status !== 'receiving' };
}

/**
 * Binds `key` to the job being stored, in the caller's transaction (the one
 * that inserts the job). False when a live use of the key exists: the caller
 * refuses the request (a concurrent duplicate). A use older than 24 hours is
 * replaced.
 */
export async function claimIdempotencyKey(
  db: Executor,
  claim: { tenantId: string; key: string; jobId: string },
): Promise<boolean> {
  await db
    .deleteFrom('idempotency_keys')
    .where('tenant_id', '=', claim.tenantId)
    .where('key', '=', claim.key)
    .where('created_at', '<=', sql<Date>`now() - ${KEY_LIFETIME}`)
    .execute();
  const inserted = await db
    .insertInto('idempotency_keys')
    .values({ tenant_id: claim.tenantId, key: claim.key, job_id: claim.jobId })
    .onConflict((oc) => oc.columns(['tenant_id', 'key']).doNothing())
    .returning('job_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Records the fingerprint of the request that claimed `key` for `jobId`. */
export async function recordIdempotencyFingerprint(
  db: Executor,
  claim: { tenantId: string; key: string; jobId: string },
  fingerprint: Buffer,
): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ fingerprint })
    .where('tenant_id', '=', claim.tenantId)
    .where('key', '=', claim.key)
    .where('job_id', '=', claim.jobId)
    .execute();
}
