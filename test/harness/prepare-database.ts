import { createDatabase, migrateToLatest } from '@sluice/db';

/**
 * The one place where the harness prepares a fresh test database: applies
 * Sluice's migrations, so every test file starts on the current schema. The
 * global setup imports this module by name; add seeding or extensions here.
 */
export default async function prepareDatabase(databaseUrl: string): Promise<void> {
  const database = createDatabase({
    url: databaseUrl,
    poolSize: 1,
    applicationName: 'sluice-test-setup',
  });
  try {
    await migrateToLatest(database.db);
  } finally {
    await database.close();
  }
}
