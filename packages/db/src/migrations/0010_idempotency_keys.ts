import { type Kysely, sql } from 'kysely';

/**
 * Idempotency-Key on POST /v1/jobs: a key names one upload of its tenant for
 * 24 hours. The row is written with the job (so a concurrent duplicate
 * collides on the primary key), the request's fingerprint once the body has
 * all arrived; it goes with its job (cascade), so a refused or abandoned
 * upload frees the key.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table idempotency_keys (
      tenant_id uuid not null references tenants (id),
      key text not null,
      job_id uuid not null references jobs (id) on delete cascade,
      fingerprint bytea,
      created_at timestamptz not null default now(),
      primary key (tenant_id, key)
    )`.execute(db);
  await sql`create index idempotency_keys_job_idx on idempotency_keys (job_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table idempotency_keys`.execute(db);
}
