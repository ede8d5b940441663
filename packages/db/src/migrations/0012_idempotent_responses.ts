import { type Kysely, sql } from 'kysely';

/**
 * Idempotency-Key on the API's other POSTs (datasets, keys, cancel, retry,
 * and whatever route adds apps/api's `idempotentPost`): a key names one
 * request of its tenant for 24 hours, and once answered, the answer. The
 * row is claimed before the handler runs (`in_progress`, with a claim that
 * lapses so a dead process cannot hold the key for ever) and holds the
 * response once it is `done`.
 *
 * Only a hash of the key is stored, and the response body is encrypted with
 * a key derived from the Idempotency-Key itself: what the database holds is
 * no use without the key (a POST /v1/keys answer holds an API key secret).
 * POST /v1/jobs keeps its own table (`idempotency_keys`, bound to the job).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table idempotent_requests (
      tenant_id uuid not null references tenants (id),
      key_hash bytea not null,
      fingerprint bytea not null,
      state text not null check (state in ('in_progress', 'done')),
      claim_token uuid not null,
      claimed_until timestamptz not null,
      response_status integer,
      response_headers jsonb,
      response_body bytea,
      created_at timestamptz not null default now(),
      primary key (tenant_id, key_hash),
      check ((state = 'done') = (response_status is not null))
    )`.execute(db);
  await sql`create index idempotent_requests_created_idx on idempotent_requests (created_at)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table idempotent_requests`.execute(db);
}
