import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureTenant } from './api-keys.ts';
import { claimChunk, commitChunkResult } from './chunks.ts';
import { createDatabase } from './connection.ts';
import { finalizeJob, markJobFailed } from './job-completion.ts';
import { cancelJob } from './job-control.ts';
import { migrateToLatest } from './migrate.ts';
import { purgeExpiredWebhookEvents } from './retention.ts';
import { storeAcceptedJob, UNLIMITED_ERRORS } from './test-helpers.ts';
import { inTransaction } from './transaction.ts';
import { loadDeliveryWork, recordDeliveryAttempt, redeliverWebhook } from './webhook-deliveries.ts';
import { createWebhookEndpoint, updateWebhookEndpoint } from './webhook-endpoints.ts';
import { pendingDeliveriesOfJob } from './webhook-outbox.ts';

const handle = createDatabase({ url: inject('databaseUrl'), poolSize: 2 });
const { db } = handle;
let tenantId: string;
let otherTenantId: string;
/** The tenant's one enabled endpoint (it takes job.failed and job.completed). */
let failedAndCompleted: string;

beforeAll(async () => {
  await migrateToLatest(db);
  tenantId = (await ensureTenant(db, 'outbox-tests')).id;
  otherTenantId = (await ensureTenant(db, 'outbox-tests-other')).id;
  const endpoint = (
    eventTypes: Array<'job.completed' | 'job.failed' | 'job.cancelled'>,
    t = tenantId,
  ) =>
    createWebhookEndpoint(db, {
      tenantId: t,
      url: 'https://example.com/hook',
      description: '',
      eventTypes,
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    });
  failedAndCompleted = (await endpoint(['job.failed', 'job.completed'])).id;
  const disabled = await endpoint(['job.failed', 'job.completed', 'job.cancelled']);
  await updateWebhookEndpoint(db, tenantId, disabled.id, { enabled: false });
  // Another tenant's endpoint never hears of this tenant's jobs.
  await endpoint(['job.failed', 'job.completed', 'job.cancelled'], otherTenantId);
});
afterAll(() => handle.close());

/** An accepted one-chunk job of the outbox tenant. */
async function job(): Promise<string> {
  const id = await storeAcceptedJob(db, {
    chunks: 1,
    recordsPerChunk: 1,
    columns: [{ name: 'a', type: 'text', required: false }],
  });
  await db.updateTable('jobs').set({ tenant_id: tenantId }).where('id', '=', id).execute();
  return id;
}

async function eventsOf(jobId: string) {
  const rows = await db
    .selectFrom('webhook_events')
    .select(['id', 'type', 'body'])
    .where('job_id', '=', jobId)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    ...r,
    body: JSON.parse(r.body) as { type: string; timestamp: string; data: unknown },
  }));
}

describe('the webhook outbox', () => {
  it('a failed job records one job.failed event, one delivery per enabled endpoint taking it', async () => {
    const id = await job();
    expect(await markJobFailed(db, id, { code: 'chunk_failed', reason: 'boom' })).toBe('normalize');
    const [event, ...more] = await eventsOf(id);
    expect(more).toEqual([]);
    expect(event!.id).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(event!.body).toMatchObject({
      type: 'job.failed',
      data: {
        id,
        status: 'failed',
        error: 'boom',
        errorCode: 'chunk_failed',
        links: { self: `/v1/jobs/${id}` },
      },
    });
    expect(Date.parse(event!.body.timestamp)).not.toBeNaN();
    const deliveries = await pendingDeliveriesOfJob(db, id);
    expect(deliveries).toHaveLength(1);
    const work = await loadDeliveryWork(db, deliveries[0]!.id);
    expect(work).toMatchObject({ round: 0, status: 'pending', messageId: event!.id });
    // Failing it again changes nothing and announces nothing.
    expect(await markJobFailed(db, id, { code: 'chunk_failed', reason: 'again' })).toBeUndefined();
    expect(await eventsOf(id)).toHaveLength(1);
  });

  it('nothing is recorded when the transition rolls back, or for event types nobody takes', async () => {
    const id = await job();
    await expect(
      inTransaction(db, async (trx) => {
        await markJobFailed(trx, id, { code: 'chunk_failed', reason: 'boom' });
        throw new Error('the transaction fails after the transition');
      }),
    ).rejects.toThrow('after the transition');
    expect(await eventsOf(id)).toEqual([]);
    // Cancelled: only the disabled endpoint and another tenant's take it.
    expect((await cancelJob(db, tenantId, id)).outcome).toBe('cancelled');
    expect(await eventsOf(id)).toEqual([]);
  });

  it('a completed job records job.completed with its counts in the finalizing transaction', async () => {
    const id = await job();
    const attempt = await claimChunk(db, id, 0, 'w');
    await inTransaction(db, (trx) =>
      commitChunkResult(
        trx,
        {
          jobId: id,
          seq: 0,
          attempt: attempt!,
          output: Buffer.from('a\nx\n'),
          rowsAccepted: 1,
          rowsRejected: 0,
          rowsBlank: 0,
          errors: [],
          processedBy: 'w',
        },
        UNLIMITED_ERRORS,
      ),
    );
    expect(await inTransaction(db, (trx) => finalizeJob(trx, id))).toBe('completed');
    const [event] = await eventsOf(id);
    expect(event!.body).toMatchObject({
      type: 'job.completed',
      data: { id, status: 'completed', counts: { rowsTotal: 1, rowsAccepted: 1, rowsRejected: 0 } },
    });
  });

  it('an attempt is recorded only for the delivery round it belongs to', async () => {
    const id = await job();
    await markJobFailed(db, id, { code: 'chunk_failed', reason: 'boom' });
    const [delivery] = await pendingDeliveriesOfJob(db, id);
    const attempt = (round: number) =>
      recordDeliveryAttempt(db, {
        deliveryId: delivery!.id,
        round,
        startedAt: new Date(),
        durationMs: 5,
        statusCode: 500,
        error: null,
        status: 'pending',
      });
    expect(await attempt(0)).toBe(true);
    const next = await redeliverWebhook(db, tenantId, failedAndCompleted, delivery!.id);
    expect(next).toEqual({ id: delivery!.id, round: 1 });
    // The old round's job, still running somewhere, is fenced off.
    expect(await attempt(0)).toBe(false);
    expect(await attempt(1)).toBe(true);
    expect(await loadDeliveryWork(db, delivery!.id)).toMatchObject({ round: 1, roundAttempts: 1 });
    // Another tenant cannot redeliver it.
    expect(
      await redeliverWebhook(db, otherTenantId, failedAndCompleted, delivery!.id),
    ).toBeUndefined();
  });

  it('the retention purge removes old events with their deliveries and attempts', async () => {
    const id = await job();
    await markJobFailed(db, id, { code: 'chunk_failed', reason: 'boom' });
    const [event] = await eventsOf(id);
    await sql`update webhook_events set created_at = now() - interval '40 days' where id = ${event!.id}`.execute(
      db,
    );
    expect(
      await purgeExpiredWebhookEvents(db, { olderThanDays: 30, limit: 1000 }),
    ).toBeGreaterThanOrEqual(1);
    expect(await eventsOf(id)).toEqual([]);
    expect(await pendingDeliveriesOfJob(db, id)).toEqual([]);
  });
});
