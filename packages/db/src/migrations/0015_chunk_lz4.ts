import { type Kysely, sql } from 'kysely';

/**
 * A chunk's input (`data`, written by the upload) and output (written by the
 * worker's commit) are compressed with lz4 instead of PostgreSQL's default
 * pglz: CSV text compresses about as well with either (a realistic 1 MiB
 * chunk: 8.07 vs 8.13 MB per 12 MB), and pglz made storing an upload three
 * times slower than lz4 (13 vs 34-44 MB/s on one core), the largest single
 * cost of the ingest path. Values already stored keep their compression
 * (each value records its own method). A server built without lz4 keeps
 * pglz: the columns are left as they were.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    do $$
    begin
      execute 'alter table job_chunks alter column data set compression lz4, alter column output set compression lz4';
    exception when feature_not_supported then
      raise notice 'lz4 is not supported by this server: chunks stay pglz-compressed';
    end
    $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table job_chunks alter column data set compression default, alter column output set compression default`.execute(
    db,
  );
}
