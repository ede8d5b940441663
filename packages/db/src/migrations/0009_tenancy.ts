import { type Kysely, sql } from 'kysely';

/** The tenant that owns everything stored before tenants existed. */
export const DEFAULT_TENANT_ID = '00000000-0000-4000-8000-000000000000';

/**
 * Every job and dataset belongs to a tenant (API keys name it): a tenant sees
 * only its own. What existed before belongs to the tenant `default` (issue
 * it a key with `pnpm keys create --tenant default ...` to reach it).
 *
 * Dataset names are unique per tenant, so a dataset's table can no longer be
 * named after the dataset alone: `datasets.table_name` holds it (tables of
 * existing datasets keep their names; new ones get the name plus a random
 * suffix). Merges lock a dataset by its table name.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`insert into tenants (id, name) values (${DEFAULT_TENANT_ID}, 'default')
            on conflict do nothing`.execute(db);
  await sql`
    alter table jobs
      add column tenant_id uuid references tenants (id)`.execute(db);
  await sql`update jobs set tenant_id = ${DEFAULT_TENANT_ID}`.execute(db);
  await sql`alter table jobs alter column tenant_id set not null`.execute(db);
  await sql`create index jobs_tenant_created_idx on jobs (tenant_id, created_at desc, id desc)`.execute(
    db,
  );

  await sql`
    alter table datasets
      add column tenant_id uuid references tenants (id),
      add column table_name text`.execute(db);
  await sql`update datasets set tenant_id = ${DEFAULT_TENANT_ID}, table_name = name`.execute(db);
  await sql`
    alter table datasets
      alter column tenant_id set not null,
      alter column table_name set not null,
      add constraint datasets_table_name_key unique (table_name),
      drop constraint datasets_pkey,
      add primary key (tenant_id, name)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table datasets
      drop constraint datasets_pkey,
      add primary key (name),
      drop constraint datasets_table_name_key,
      drop column table_name,
      drop column tenant_id`.execute(db);
  await sql`drop index jobs_tenant_created_idx`.execute(db);
  await sql`alter table jobs drop column tenant_id`.execute(db);
}
