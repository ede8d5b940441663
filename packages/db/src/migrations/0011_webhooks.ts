import { type Kysely, sql } from 'kysely';

/**
 * Webhooks per tenant. `webhook_endpoints`: where a tenant wants events sent
 * (its URL, the event types it takes, null = all, and its signing secret,
 * kept as given out: HMAC needs the secret itself). `webhook_events`: one
 * message per job transition, written in the transaction of the transition
 * (the outbox), with its exact body, so every attempt sends the same bytes.
 * `webhook_deliveries`: one per event and endpoint, pending until delivered
 * or out of attempts; `round` names the BullMQ job carrying it (a
 * redelivery starts a new round). `webhook_delivery_attempts`: the log.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table webhook_endpoints (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id),
      url text not null,
      description text not null default '',
      event_types text[],
      secret text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      disabled_at timestamptz
    )`.execute(db);
  await sql`create index webhook_endpoints_tenant_idx on webhook_endpoints (tenant_id, created_at)`.execute(
    db,
  );
  await sql`
    create table webhook_events (
      id text primary key,
      tenant_id uuid not null references tenants (id),
      type text not null,
      job_id uuid not null,
      body text not null,
      created_at timestamptz not null default clock_timestamp()
    )`.execute(db);
  await sql`create index webhook_events_job_idx on webhook_events (job_id)`.execute(db);
  await sql`
    create table webhook_deliveries (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id),
      event_id text not null references webhook_events (id) on delete cascade,
      endpoint_id uuid not null references webhook_endpoints (id) on delete cascade,
      status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
      round integer not null default 0,
      round_attempts integer not null default 0,
      attempts integer not null default 0,
      last_status_code integer,
      last_error text,
      created_at timestamptz not null default clock_timestamp(),
      last_attempt_at timestamptz,
      finished_at timestamptz
    )`.execute(db);
  await sql`create index webhook_deliveries_endpoint_idx on webhook_deliveries (endpoint_id, created_at desc)`.execute(
    db,
  );
  await sql`create index webhook_deliveries_event_idx on webhook_deliveries (event_id)`.execute(db);
  await sql`create index webhook_deliveries_pending_idx on webhook_deliveries (created_at) where status = 'pending'`.execute(
    db,
  );
  await sql`
    create table webhook_delivery_attempts (
      delivery_id uuid not null references webhook_deliveries (id) on delete cascade,
      attempt integer not null,
      round integer not null,
      started_at timestamptz not null,
      duration_ms integer not null,
      status_code integer,
      error text,
      primary key (delivery_id, attempt)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table webhook_delivery_attempts`.execute(db);
  await sql`drop table webhook_deliveries`.execute(db);
  await sql`drop table webhook_events`.execute(db);
  await sql`drop table webhook_endpoints`.execute(db);
}
