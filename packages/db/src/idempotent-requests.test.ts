import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureTenant } from './api-keys.ts';
import { createDatabase } from './connection.ts';
import {
  claimIdempotentRequest,
  finishIdempotentRequest,
  isIdempotencyKeyHeld,
  purgeExpiredIdempotentRequests,
  releaseIdempotentRequest,
} from './idempotent-requests.ts';
import { migrateToLatest } from './migrate.ts';
import { TEST_TENANT } from './test-helpers.ts';

const handle = createDatabase({ url: inject('databaseUrl'), poolSize: 4 });
const { db } = handle;

beforeAll(async () => {
  await migrateToLatest(db);
});
afterAll(() => handle.close());

const FINGERPRINT = Buffer.from('request one');
const ANSWER = { status: 201, headers: { location: '/v1/x' }, body: Buffer.from('{"a":1}') };

/** A fresh key's claim request (the key hash as the API computes it). */
function request(overrides: { fingerprint?: Buffer; claimForMs?: number } = {}) {
  const key = crypto.randomUUID();
  return {
    tenantId: TEST_TENANT,
    key,
    keyHash: createHash('sha256').update(key).digest(),
    fingerprint: overrides.fingerprint ?? FINGERPRINT,
    claimForMs: overrides.claimForMs ?? 60_000,
  };
}

async function claimed(claim: ReturnType<typeof request>) {
  const found = await claimIdempotentRequest(db, claim);
  if (found.outcome !== 'claimed') throw new Error(`expected a claim, got ${found.outcome}`);
  return { tenantId: claim.tenantId, keyHash: claim.keyHash, token: found.token };
}

describe('idempotent requests', () => {
  it('claims a key once: the same request is in progress, then replays the stored answer', async () => {
    const claim = request();
    const held = await claimed(claim);
    const during = await claimIdempotentRequest(db, claim);
    expect(during.outcome).toBe('in-progress');
    expect(during.outcome === 'in-progress' && during.retryAfterMs).toBeGreaterThan(0);
    expect(await isIdempotencyKeyHeld(db, claim.tenantId, claim.keyHash)).toBe(true);

    expect(await finishIdempotentRequest(db, held, ANSWER)).toBe(true);
    expect(await claimIdempotentRequest(db, claim)).toEqual({
      outcome: 'replay',
      response: ANSWER,
    });
    // Finished is final: a second finish or a release changes nothing.
    expect(await finishIdempotentRequest(db, held, { ...ANSWER, status: 500 })).toBe(false);
    await releaseIdempotentRequest(db, held);
    expect((await claimIdempotentRequest(db, claim)).outcome).toBe('replay');
  });

  it('says mismatch for the key with another fingerprint, in progress or done', async () => {
    const claim = request();
    const held = await claimed(claim);
    const other = { ...claim, fingerprint: Buffer.from('request two') };
    expect(await claimIdempotentRequest(db, other)).toEqual({ outcome: 'mismatch' });
    await finishIdempotentRequest(db, held, ANSWER);
    expect(await claimIdempotentRequest(db, other)).toEqual({ outcome: 'mismatch' });
  });

  it('of concurrent claims lets exactly one win', async () => {
    const claim = request();
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () => claimIdempotentRequest(db, claim)),
    );
    expect(outcomes.filter((o) => o.outcome === 'claimed')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'in-progress')).toHaveLength(7);
  });

  it('frees a released key, and only for its holder', async () => {
    const claim = request();
    const held = await claimed(claim);
    await releaseIdempotentRequest(db, { ...held, token: crypto.randomUUID() });
    expect((await claimIdempotentRequest(db, claim)).outcome).toBe('in-progress');
    await releaseIdempotentRequest(db, held);
    expect(await isIdempotencyKeyHeld(db, claim.tenantId, claim.keyHash)).toBe(false);
    const again = await claimed(claim);
    expect(again.token).not.toBe(held.token);
  });

  it('lets a lapsed claim (its process died) be taken over; the old holder cannot finish it', async () => {
    const claim = request({ claimForMs: 0 });
    const dead = await claimed(claim);
    expect(await isIdempotencyKeyHeld(db, claim.tenantId, claim.keyHash)).toBe(false);
    const taker = await claimed({ ...claim, claimForMs: 60_000 });
    expect(await finishIdempotentRequest(db, dead, ANSWER)).toBe(false);
    expect(await finishIdempotentRequest(db, taker, ANSWER)).toBe(true);
  });

  it('forgets a use after 24 hours: the key is free, and the purge deletes it', async () => {
    const claim = request();
    await finishIdempotentRequest(db, await claimed(claim), ANSWER);
    const age = sql<Date>`now() - interval '24 hours 1 second'`;
    await db
      .updateTable('idempotent_requests')
      .set({ created_at: age })
      .where('key_hash', '=', claim.keyHash)
      .execute();
    expect(await isIdempotencyKeyHeld(db, claim.tenantId, claim.keyHash)).toBe(false);
    const other = await claimIdempotentRequest(db, { ...claim, fingerprint: Buffer.from('new') });
    expect(other.outcome).toBe('claimed');

    const stale = request();
    await finishIdempotentRequest(db, await claimed(stale), ANSWER);
    const fresh = request();
    await finishIdempotentRequest(db, await claimed(fresh), ANSWER);
    await db
      .updateTable('idempotent_requests')
      .set({ created_at: age })
      .where('key_hash', '=', stale.keyHash)
      .execute();
    expect(await purgeExpiredIdempotentRequests(db, 1000)).toBeGreaterThanOrEqual(1);
    const left = await db
      .selectFrom('idempotent_requests')
      .select('key_hash')
      .where('key_hash', 'in', [stale.keyHash, fresh.keyHash])
      .execute();
    expect(left.map((r) => r.key_hash)).toEqual([fresh.keyHash]);
  });

  it('is per tenant', async () => {
    const other = await ensureTenant(db, 'idempotent-requests-other');
    const claim = request();
    await finishIdempotentRequest(db, await claimed(claim), ANSWER);
    const theirs = { ...claim, tenantId: other.id, fingerprint: Buffer.from('theirs') };
    expect((await claimIdempotentRequest(db, theirs)).outcome).toBe('claimed');
  });
});
