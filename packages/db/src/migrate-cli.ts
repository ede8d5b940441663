import { createDatabase } from './connection.ts';
import { migrateToLatest } from './migrate.ts';

// `pnpm migrate`: applies pending migrations to DATABASE_URL (for deployments
// that migrate as a separate step; ./dev start migrates by itself).
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is required');
  process.exit(2);
}
const { db, close } = createDatabase({ url, poolSize: 1, applicationName: 'sluice-migrate' });
try {
  const results = await migrateToLatest(db);
  for (const r of results) console.log(`${r.status}: ${r.migrationName}`);
  if (results.length === 0) console.log('schema is up to date');
} finally {
  await close();
}
