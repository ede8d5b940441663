/**
 * scaling: the import-e2e import (realistic contacts) with 1 and then 2 worker processes
 * (WORKER_THREADS=1 each) against one API and one PostgreSQL on the same
 * machine; rows/s each, ratio 2 workers / 1 worker. Three spans: submit to
 * completed (includes the upload, one API process either way), first chunk
 * to merge committed, and the chunk phase alone (the part workers share; the
 * merge is one transaction whatever the number of workers).
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { importContacts, writeContactsFile } from './support/contacts.ts';
import { compare, prefixed, round, type ScenarioResult } from './support/result.ts';
import { withScope } from './support/scope.ts';
import {
  type Api,
  type Services,
  say,
  startApi,
  startServices,
  startWorker,
} from './support/stack.ts';

function importWith(services: Services, api: Api, file: string, workers: number) {
  return withScope(async (scope) => {
    for (let i = 1; i <= workers; i++)
      await startWorker(scope, services, `worker-${i}`, { WORKER_THREADS: '1' });
    say(`scaling: import with ${workers} worker process(es)`);
    return importContacts(api.url, services.postgres.url, file, `contacts_${workers}w`);
  });
}

export function scaling(rows: number): Promise<ScenarioResult> {
  return withScope(async (scope) => {
    const services = await startServices(scope, 'scaling');
    const file = join(services.dir, 'contacts.csv');
    const bytes = await writeContactsFile(file, rows);
    const api = await startApi(scope, services, { MAX_UPLOAD_BYTES: `${bytes + 1024 ** 2}` });
    const one = await importWith(services, api, file, 1);
    const two = await importWith(services, api, file, 2);
    return {
      scenario: 'scaling',
      comparisons: [
        compare('rows/s, submit to completed', two.rowsPerSecond, one.rowsPerSecond),
        compare(
          'rows/s, first chunk to merge committed',
          two.processingRowsPerSecond,
          one.processingRowsPerSecond,
        ),
        compare(
          'rows/s, chunk phase (first claim to last chunk committed)',
          two.chunkPhaseRowsPerSecond,
          one.chunkPhaseRowsPerSecond,
        ),
      ],
      rows,
      fileMB: round(bytes / 1024 ** 2, 1),
      cores: availableParallelism(),
      ...prefixed('1w', one),
      ...prefixed('2w', two),
    };
  });
}
