import type { Kysely } from 'kysely';
import { type Migration, type MigrationResult, Migrator } from 'kysely/migration';
import * as jobs0001 from './migrations/0001_jobs.ts';
import * as chunkAttempts0002 from './migrations/0002_chunk_attempts.ts';
import * as datasets0003 from './migrations/0003_datasets.ts';
import * as jobAcceptance0004 from './migrations/0004_job_acceptance.ts';
import * as jobErrorBudget0005 from './migrations/0005_job_error_budget.ts';
import * as apiKeys0006 from './migrations/0006_api_keys.ts';
import * as jobRetry0007 from './migrations/0007_job_retry.ts';
import * as datasetHistory0008 from './migrations/0008_dataset_history.ts';
import * as tenancy0009 from './migrations/0009_tenancy.ts';
import * as idempotencyKeys0010 from './migrations/0010_idempotency_keys.ts';
import * as webhooks0011 from './migrations/0011_webhooks.ts';
import * as idempotentResponses0012 from './migrations/0012_idempotent_responses.ts';
import * as chunkErrorCounts0013 from './migrations/0013_chunk_error_counts.ts';
import * as importStage0014 from './migrations/0014_import_stage.ts';
import * as chunkLz40015 from './migrations/0015_chunk_lz4.ts';
import * as chunkPlan0016 from './migrations/0016_chunk_plan.ts';
import * as firstChunkVerdict0017 from './migrations/0017_first_chunk_verdict.ts';
import * as jobUniqueValues0018 from './migrations/0018_job_unique_values.ts';
import * as headerlessFirstRecord0019 from './migrations/0019_headerless_first_record.ts';
import * as dryRun0020 from './migrations/0020_dry_run.ts';
import * as importChanges0021 from './migrations/0021_import_changes.ts';
import * as implicitInserts0022 from './migrations/0022_implicit_inserts.ts';

/**
 * Migrations are listed here rather than discovered on disk so that they ship
 * with the code that depends on them and run the same from any working dir.
 * Names sort in apply order.
 */
const migrations: Record<string, Migration> = {
  '0001_jobs': jobs0001,
  '0002_chunk_attempts': chunkAttempts0002,
  '0003_datasets': datasets0003,
  '0004_job_acceptance': jobAcceptance0004,
  '0005_job_error_budget': jobErrorBudget0005,
  '0006_api_keys': apiKeys0006,
  '0007_job_retry': jobRetry0007,
  '0008_dataset_history': datasetHistory0008,
  '0009_tenancy': tenancy0009,
  '0010_idempotency_keys': idempotencyKeys0010,
  '0011_webhooks': webhooks0011,
  '0012_idempotent_responses': idempotentResponses0012,
  '0013_chunk_error_counts': chunkErrorCounts0013,
  '0014_import_stage': importStage0014,
  '0015_chunk_lz4': chunkLz40015,
  '0016_chunk_plan': chunkPlan0016,
  '0017_first_chunk_verdict': firstChunkVerdict0017,
  '0018_job_unique_values': jobUniqueValues0018,
  '0019_headerless_first_record': headerlessFirstRecord0019,
  '0020_dry_run': dryRun0020,
  '0021_import_changes': importChanges0021,
  '0022_implicit_inserts': implicitInserts0022,
};

export const LATEST_MIGRATION = Object.keys(migrations).sort().at(-1)!;

// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema
function migrator(db: Kysely<any>): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'sluice_migrations',
    migrationLockTableName: 'sluice_migrations_lock',
  });
}

/** Applies pending migrations; concurrent callers serialize on kysely's lock row. */
// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResult[]> {
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(
      `Migration ${failed?.migrationName ?? '(unknown)'} failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  return results ?? [];
}

/** Names of migrations not yet applied (empty when the schema is current). */
// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema
export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
  const all = await migrator(db).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
