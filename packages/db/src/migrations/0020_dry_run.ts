import { type Kysely, sql } from 'kysely';

/**
 * Dry-run imports (import-dry-run.ts). datasets.version: bumped by every
 * merge that writes the dataset's table, so a dry run can tell whether the
 * dataset it was computed against is still the same when it is promoted.
 * jobs.dry_run: the import computes the merge's effect and writes nothing;
 * dry_run_result: what it found (counts, per-column changes, the dataset
 * version and table it saw); promoted_at: when it became the real import.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table datasets add column version bigint not null default 0`.execute(db);
  await sql`alter table jobs
    add column dry_run boolean not null default false,
    add column dry_run_result jsonb,
    add column promoted_at timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table jobs drop column promoted_at, drop column dry_run_result, drop column dry_run`.execute(
    db,
  );
  await sql`alter table datasets drop column version`.execute(db);
}
