import { type Kysely, sql } from 'kysely';

/**
 * A job is stored while its upload arrives (status `receiving`, chunks in
 * short transactions: no connection is held while the client sends) and
 * becomes `queued` only when it is accepted, right before the 202. A job
 * never accepted is removed by the reconciler once its upload has been
 * silent for a while (`upload_touched_at`). Acceptance numbers the job
 * (`acceptance_seq`): imports into one dataset merge in that order, so a
 * file accepted later is never overwritten by one accepted earlier that
 * finished later.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table jobs drop constraint jobs_status_check`.execute(db);
  await sql`
    alter table jobs
      add constraint jobs_status_check
        check (status in ('receiving', 'queued', 'running', 'completed', 'failed', 'cancelled')),
      alter column status set default 'receiving',
      add column upload_touched_at timestamptz,
      add column accepted_at timestamptz,
      add column acceptance_seq bigint`.execute(db);
  await sql`create sequence job_acceptance_seq`.execute(db);
  // Jobs stored before this migration were accepted when they were stored.
  await sql`
    update jobs set accepted_at = created_at, acceptance_seq = s.seq
    from (select id, nextval('job_acceptance_seq') as seq from jobs order by created_at, id) s
    where jobs.id = s.id`.execute(db);
  await sql`alter table jobs add constraint jobs_accepted_check
    check ((status = 'receiving') = (acceptance_seq is null))`.execute(db);
  await sql`create unique index jobs_acceptance_seq_idx on jobs (acceptance_seq)`.execute(db);
  // The reconciler's search for abandoned uploads, and an import's search for
  // earlier unfinished imports into its dataset.
  await sql`create index jobs_receiving_idx on jobs (upload_touched_at) where status = 'receiving'`.execute(
    db,
  );
  await sql`create index jobs_dataset_unfinished_idx on jobs (dataset, acceptance_seq)
    where status in ('queued', 'running')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from jobs where status = 'receiving'`.execute(db);
  await sql`drop index jobs_dataset_unfinished_idx`.execute(db);
  await sql`drop index jobs_receiving_idx`.execute(db);
  await sql`drop index jobs_acceptance_seq_idx`.execute(db);
  await sql`alter table jobs drop constraint jobs_accepted_check`.execute(db);
  await sql`drop sequence job_acceptance_seq`.execute(db);
  await sql`alter table jobs drop constraint jobs_status_check`.execute(db);
  await sql`
    alter table jobs
      drop column acceptance_seq,
      drop column accepted_at,
      drop column upload_touched_at,
      alter column status set default 'queued',
      add constraint jobs_status_check
        check (status in ('queued', 'running', 'completed', 'failed', 'cancelled'))`.execute(db);
}
