import { type Kysely, sql } from 'kysely';

/**
 * A dataset can be deleted (DELETE /v1/datasets/{name}); the import jobs
 * that wrote into it stay as history and keep its name, so jobs.dataset no
 * longer references the catalog. Deleting waits for and refuses unfinished
 * imports (the dataset's merge lock), and an import whose dataset is gone by
 * its merge fails with that reason.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table jobs drop constraint jobs_dataset_fkey`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table jobs add constraint jobs_dataset_fkey foreign key (dataset) references datasets (name)`.execute(
    db,
  );
}
