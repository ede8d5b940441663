/**
 * import-e2e: a generated contacts CSV submitted over HTTP as an import job
 * into a dataset, normalized by the worker and merged into the dataset table;
 * rows/s from submit to job completed. Reference: `psql \copy` of the same raw
 * file into an unindexed all-text table on the same PostgreSQL server.
 */
import { join } from 'node:path';
import { CONTACT_COLUMNS, importContacts, writeContactsFile } from './support/contacts.ts';
import { psqlCopy } from './support/psql.ts';
import { compare, round, type ScenarioResult } from './support/result.ts';
import { withScope } from './support/scope.ts';
import {
  LAUNCHER_WORKER_THREADS,
  say,
  startApi,
  startServices,
  startWorker,
} from './support/stack.ts';

export function importE2e(rows: number): Promise<ScenarioResult> {
  return withScope(async (scope) => {
    const services = await startServices(scope, 'import');
    const file = join(services.dir, 'contacts.csv');
    const bytes = await writeContactsFile(file, rows);
    say(`import-e2e: ${rows} rows, ${Math.round(bytes / 1024 ** 2)} MB; psql \\copy reference`);
    const reference = await psqlCopy(services.postgres.url, file, 'contacts_raw', CONTACT_COLUMNS);
    if (reference.rows !== rows) throw new Error(`\\copy loaded ${reference.rows} of ${rows} rows`);

    const api = await startApi(scope, services, { MAX_UPLOAD_BYTES: `${bytes + 1024 ** 2}` });
    await startWorker(scope, services, 'worker-1', {
      WORKER_THREADS: String(LAUNCHER_WORKER_THREADS),
    });
    say(`import-e2e: Sluice import (1 worker, ${LAUNCHER_WORKER_THREADS} thread(s))`);
    const sluice = await importContacts(api.url, services.postgres.url, file, 'contacts');
    if (sluice.rowsRead !== rows) throw new Error(`Sluice read ${sluice.rowsRead} of ${rows} rows`);

    return {
      scenario: 'import-e2e',
      comparisons: [
        compare('rows/s, submit to completed', sluice.rowsPerSecond, reference.rowsPerSecond),
      ],
      rows,
      fileMB: round(bytes / 1024 ** 2, 1),
      workerThreads: LAUNCHER_WORKER_THREADS,
      ...sluice,
      referenceSeconds: round(reference.seconds, 1),
      reference: 'psql \\copy of the same file into an unindexed all-text table, same server',
    };
  });
}
