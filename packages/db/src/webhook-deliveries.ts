import { sql } from 'kysely';
import type { Executor, WebhookDeliveryStatus } from './schema.ts';
import { storableText } from './storable-text.ts';
import type { WebhookDeliveryRef } from './webhook-outbox.ts';
import { withinTransaction } from './webhook-outbox.ts';

export interface WebhookDeliveryView {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  jobId: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  lastAttemptAt: Date | null;
  finishedAt: Date | null;
}

export interface WebhookAttemptView {
  attempt: number;
  round: number;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
}

function deliveries(db: Executor, tenantId: string, endpointId: string) {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
    .where('d.tenant_id', '=', tenantId)
    .where('d.endpoint_id', '=', endpointId);
}

const DELIVERY_COLUMNS = [
  'd.id',
  'd.endpoint_id',
  'd.event_id',
  'e.type',
  'e.job_id',
  'd.status',
  'd.attempts',
  'd.last_status_code',
  'd.last_error',
  'd.created_at',
  'd.last_attempt_at',
  'd.finished_at',
] as const;

type DeliveryRow = {
  id: string;
  endpoint_id: string;
  event_id: string;
  type: string;
  job_id: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  last_attempt_at: Date | null;
  finished_at: Date | null;
};

function view(row: DeliveryRow): WebhookDeliveryView {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.type,
    jobId: row.job_id,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: row.created_at,
    lastAttemptAt: row.last_attempt_at,
    finishedAt: row.finished_at,
  };
}

/** An endpoint's deliveries, newest first (the caller checked the endpoint is the tenant's). */
export async function listWebhookDeliveries(
  db: Executor,
  tenantId: string,
  endpointId: string,
  page: { limit: number; offset: number },
): Promise<{ items: WebhookDeliveryView[]; total: number }> {
  const [rows, count] = await Promise.all([
    deliveries(db, tenantId, endpointId)
      .select(DELIVERY_COLUMNS)
      .orderBy('d.created_at', 'desc')
      .orderBy('d.id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    deliveries(db, tenantId, endpointId)
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(view), total: count.n };
}

/** One delivery of the tenant's endpoint with every attempt, oldest first. */
export async function getWebhookDelivery(
  db: Executor,
  tenantId: string,
  endpointId: string,
  deliveryId: string,
): Promise<{ delivery: WebhookDeliveryView; attempts: WebhookAttemptView[] } | undefined> {
  const row = await deliveries(db, tenantId, endpointId)
    .select(DELIVERY_COLUMNS)
    .where('d.id', '=', deliveryId)
    .executeTakeFirst();
  if (!row) return undefined;
  const attempts = await db
    .selectFrom('webhook_delivery_attempts')
    .select(['attempt', 'round', 'started_at', 'duration_ms', 'status_code', 'error'])
    .where('delivery_id', '=', deliveryId)
    .orderBy('attempt')
    .execute();
  return {
    delivery: view(row),
    attempts: attempts.map((a) => ({
      attempt: a.attempt,
      round: a.round,
      startedAt: a.started_at,
      durationMs: a.duration_ms,
      statusCode: a.status_code,
      error: a.error,
    })),
  };
}

/**
 * Starts a new round of attempts for a delivery, whatever its state
 * (delivered, failed, or still retrying: the old round's job stops at its
 * next attempt, fenced by the round). Same message, same webhook-id.
 */
export async function redeliverWebhook(
  db: Executor,
  tenantId: string,
  endpointId: string,
  deliveryId: string,
): Promise<WebhookDeliveryRef | undefined> {
  return db
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      status: 'pending',
      round: eb('round', '+', 1),
      round_attempts: 0,
      finished_at: null,
    }))
    .where('id', '=', deliveryId)
    .where('tenant_id', '=', tenantId)
    .where('endpoint_id', '=', endpointId)
    .returning(['id', 'round'])
    .executeTakeFirst();
}

/** What a worker needs to make one attempt of a delivery. */
export interface WebhookDeliveryWork {
  id: string;
  round: number;
  status: WebhookDeliveryStatus;
  /** Attempts of this round so far (the limit counts per round). */
  roundAttempts: number;
  messageId: string;
  body: string;
  url: string;
  secret: string;
  endpointEnabled: boolean;
}

export async function loadDeliveryWork(
  db: Executor,
  deliveryId: string,
): Promise<WebhookDeliveryWork | undefined> {
  const row = await db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
    .innerJoin('webhook_endpoints as w', 'w.id', 'd.endpoint_id')
    .select([
      'd.id',
      'd.round',
      'd.status',
      'd.round_attempts',
      'e.id as message_id',
      'e.body',
      'w.url',
      'w.secret',
      'w.disabled_at',
    ])
    .where('d.id', '=', deliveryId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    round: row.round,
    status: row.status,
    roundAttempts: row.round_attempts,
    messageId: row.message_id,
    body: row.body,
    url: row.url,
    secret: row.secret,
    endpointEnabled: row.disabled_at === null,
  };
}

export interface DeliveryAttemptRecord {
  deliveryId: string;
  round: number;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  /** What the attempt leaves the delivery as: pending = another attempt follows. */
  status: WebhookDeliveryStatus;
}

/**
 * Logs one attempt and moves the delivery on, in one transaction, only if
 * the delivery is still pending in this round (a redelivery since, or a
 * second worker with the same job, makes it stale: false, nothing written).
 */
export async function recordDeliveryAttempt(
  db: Executor,
  record: DeliveryAttemptRecord,
): Promise<boolean> {
  return withinTransaction(db, async (trx) => {
    const row = await trx
      .updateTable('webhook_deliveries')
      .set((eb) => ({
        status: record.status,
        attempts: eb('attempts', '+', 1),
        round_attempts: eb('round_attempts', '+', 1),
        last_status_code: record.statusCode,
        last_error: record.error === null ? null : storableText(record.error),
        last_attempt_at: sql<Date>`clock_timestamp()`,
        finished_at: record.status === 'pending' ? null : sql<Date>`clock_timestamp()`,
      }))
      .where('id', '=', record.deliveryId)
      .where('round', '=', record.round)
      .where('status', '=', 'pending')
      .returning('attempts')
      .executeTakeFirst();
    if (!row) return false;
    await trx
      .insertInto('webhook_delivery_attempts')
      .values({
        delivery_id: record.deliveryId,
        attempt: row.attempts,
        round: record.round,
        started_at: record.startedAt,
        duration_ms: record.durationMs,
        status_code: record.statusCode,
        error: record.error === null ? null : storableText(record.error),
      })
      .execute();
    return true;
  });
}

/** A delivery whose endpoint was disabled (or deleted) fails without an attempt. */
export async function abandonDelivery(
  db: Executor,
  deliveryId: string,
  round: number,
  reason: string,
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ status: 'failed', last_error: reason, finished_at: sql<Date>`clock_timestamp()` })
    .where('id', '=', deliveryId)
    .where('round', '=', round)
    .where('status', '=', 'pending')
    .execute();
}
