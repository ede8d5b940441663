import type { WebhookEventType } from '@sluice/contract';
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { Database, Executor } from './schema.ts';

/** A delivery to enqueue: BullMQ's job for it is named by id and round. */
export interface WebhookDeliveryRef {
  id: string;
  round: number;
}

const iso = (column: string) =>
  `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The outbox write, one statement ($1 the job, $2 the event type): when the
 * job's tenant has an enabled endpoint taking the event, one webhook_events
 * row (a new message id, the exact body every attempt will send) and one
 * pending delivery per such endpoint. Plain SQL text so the import merge's
 * raw client (COPY needs one) runs the very same statement in its
 * transaction. Links are paths under the API's base URL: the worker, which
 * writes most events, does not know the public address clients use.
 */
export const RECORD_JOB_EVENT_SQL = `
with job as (
  select * from jobs where id = $1::uuid
), endpoints as (
  select e.id, e.tenant_id from webhook_endpoints e join job on e.tenant_id = job.tenant_id
  where e.disabled_at is null and (e.event_types is null or $2::text = any (e.event_types))
), event as (
  insert into webhook_events (id, tenant_id, type, job_id, body)
  select 'msg_' || replace(gen_random_uuid()::text, '-', ''), job.tenant_id, $2::text, job.id,
    jsonb_build_object(
      'type', $2::text,
      'timestamp', ${iso('clock_timestamp()')},
      'data', jsonb_build_object(
        'id', job.id,
        'type', job.type,
        'status', job.status,
        'fileName', job.file_name,
        'dataset', job.dataset,
        'counts', jsonb_build_object(
          'bytes', job.bytes_total,
          'rowsTotal', job.rows_total,
          'rowsAccepted', job.rows_accepted,
          'rowsRejected', job.rows_rejected,
          -- Set when the job completes; a failed or cancelled job's count
          -- is what its done chunks found (as GET /v1/jobs/{id} shows it).
          'errors', coalesce(job.errors_total, (
            select coalesce(sum(c.errors_total), 0)::bigint from job_chunks c
            where c.job_id = job.id and c.status = 'done'))),
        'import', case when job.type = 'import' then jsonb_build_object(
          'rowsInserted', job.rows_inserted,
          'rowsUpdated', job.rows_updated,
          'rowsUnchanged', job.rows_unchanged,
          'rowsDuplicate', job.rows_duplicate) end,
        'error', job.error,
        'errorCode', job.error_code,
        'createdAt', ${iso('job.created_at')},
        'finishedAt', ${iso('job.finished_at')},
        'links', jsonb_build_object(
          'self', '/v1/jobs/' || job.id,
          'result', '/v1/jobs/' || job.id || '/result.csv',
          'errors', '/v1/jobs/' || job.id || '/errors.csv'))
    )::text
  from job where exists (select 1 from endpoints)
  returning id, tenant_id
)
insert into webhook_deliveries (tenant_id, event_id, endpoint_id)
select event.tenant_id, event.id, endpoints.id from event cross join endpoints
returning id, round`;

/**
 * Records a job's final transition for its tenant's webhooks. Call it in
 * the transaction that makes the transition, after the update: the event
 * exists if and only if the transition committed (nothing lost, nothing
 * announced that did not happen). Returns the deliveries to enqueue once
 * committed (the worker's sweep enqueues any that were not).
 */
export async function recordJobEvent(
  trx: Transaction<Database>,
  jobId: string,
  type: WebhookEventType,
): Promise<WebhookDeliveryRef[]> {
  const result = await trx.executeQuery<WebhookDeliveryRef>(
    CompiledQuery.raw(RECORD_JOB_EVENT_SQL, [jobId, type]),
  );
  return result.rows;
}

/** `work` in the executor's transaction, or in a new one when it is the bare database. */
export function withinTransaction<T>(
  db: Executor,
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  return db.isTransaction
    ? work(db as Transaction<Database>)
    : (db as Kysely<Database>).transaction().execute(work);
}

/** A job's deliveries still pending (to enqueue after the transition committed). */
export async function pendingDeliveriesOfJob(
  db: Executor,
  jobId: string,
): Promise<WebhookDeliveryRef[]> {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
    .select(['d.id', 'd.round'])
    .where('e.job_id', '=', jobId)
    .where('d.status', '=', 'pending')
    .execute();
}

/**
 * Pending deliveries whose last move (creation, attempt, redelivery) is
 * older than `idleMs`: the sweep checks that Redis still carries each.
 */
export async function findIdleDeliveries(
  db: Executor,
  idleMs: number,
  limit: number,
): Promise<WebhookDeliveryRef[]> {
  return db
    .selectFrom('webhook_deliveries')
    .select(['id', 'round'])
    .where('status', '=', 'pending')
    .where((eb) =>
      eb(
        eb.fn.coalesce('last_attempt_at', 'created_at'),
        '<',
        eb.val(new Date(Date.now() - idleMs)),
      ),
    )
    .orderBy('created_at')
    .limit(limit)
    .execute();
}
