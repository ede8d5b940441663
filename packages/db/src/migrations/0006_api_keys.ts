import { type Kysely, sql } from 'kysely';

/**
 * Tenants and their API keys. A key reads `slc_<id>_<secret>`: only the id
 * is stored in clear (it names the key in logs and listings); the secret is
 * stored as its SHA-256, so a copy of the database lets nobody call the API.
 * Revoked keys stay (revoked_at) so their use can be told apart from an
 * unknown key and their history read.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table tenants (
      id uuid primary key,
      name text not null unique,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table api_keys (
      id text primary key,
      tenant_id uuid not null references tenants (id) on delete cascade,
      name text not null,
      secret_hash bytea not null,
      scopes text[] not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz,
      last_used_at timestamptz,
      revoked_at timestamptz
    )`.execute(db);
  await sql`create index api_keys_tenant_idx on api_keys (tenant_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table api_keys`.execute(db);
  await sql`drop table tenants`.execute(db);
}
