/**
 * import-e2e: a generated realistic contacts CSV submitted over HTTP as an
 * import job into a dataset, normalized by the worker and merged into the
 * dataset table; rows/s from submit to job completed. Two references, each
 * loading the same raw file into an unindexed all-text table on the same
 * PostgreSQL server (fsync off for all three): pgloader (issue 15's goal:
 * Sluice at least 2x it) and `psql \copy` (the server's raw ceiling).
 */
import { join } from 'node:path';
import { CONTACT_COLUMNS, importContacts, writeContactsFile } from './support/contacts.ts';
import { pgloaderLoad } from './support/pgloader.ts';
import { hostCpuSeconds, treeCpuSeconds } from './support/proc-cpu.ts';
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
    const url = services.postgres.url;
    const file = join(services.dir, 'contacts.csv');
    const bytes = await writeContactsFile(file, rows);
    say(`import-e2e: ${rows} realistic rows, ${Math.round(bytes / 1024 ** 2)} MB; psql \\copy`);
    const copy = await psqlCopy(url, file, 'contacts_copy', CONTACT_COLUMNS);
    if (copy.rows !== rows) throw new Error(`\\copy loaded ${copy.rows} of ${rows} rows`);
    say('import-e2e: pgloader');
    const pgloader = await pgloaderLoad(
      url,
      file,
      'contacts_pgloader',
      CONTACT_COLUMNS,
      rows,
      services.dir,
    );

    const api = await startApi(scope, services, { MAX_UPLOAD_BYTES: `${bytes + 1024 ** 2}` });
    const worker = await startWorker(scope, services, 'worker-1', {
      WORKER_THREADS: String(LAUNCHER_WORKER_THREADS),
    });
    say(`import-e2e: Sluice import (1 worker, ${LAUNCHER_WORKER_THREADS} thread(s))`);
    // Where the CPU went during the import (per process tree, from /proc):
    // on two cores the import is as fast as the sum of these allows.
    const cpuNow = () => ({
      api: treeCpuSeconds(api.app.pid),
      worker: treeCpuSeconds(worker.pid),
      postgres: treeCpuSeconds(services.postgres.pid!),
      redis: treeCpuSeconds(services.redis.pid!),
      host: hostCpuSeconds().busy,
    });
    const cpuBefore = cpuNow();
    const sluice = await importContacts(api.url, url, file, 'contacts');
    const cpuAfter = cpuNow();
    const cpuSeconds = (key: keyof typeof cpuBefore) => round(cpuAfter[key] - cpuBefore[key], 2);
    if (sluice.rowsRead !== rows) throw new Error(`Sluice read ${sluice.rowsRead} of ${rows} rows`);

    return {
      scenario: 'import-e2e',
      comparisons: [
        compare(
          'rows/s, submit to completed, vs pgloader (goal >= 2)',
          sluice.rowsPerSecond,
          pgloader.rowsPerSecond,
        ),
        compare(
          'rows/s, submit to completed, vs psql \\copy',
          sluice.rowsPerSecond,
          copy.rowsPerSecond,
        ),
      ],
      rows,
      fileMB: round(bytes / 1024 ** 2, 1),
      workerThreads: LAUNCHER_WORKER_THREADS,
      ...sluice,
      pgloaderRowsPerSecond: pgloader.rowsPerSecond,
      pgloaderSeconds: round(pgloader.seconds, 1),
      copyRowsPerSecond: copy.rowsPerSecond,
      copySeconds: round(copy.seconds, 1),
      // The merge's fast path: every chunk staged its rows at its commit (the
      // worker warns when the merge had to stage them from the chunk outputs).
      stagedAtChunkCommits: !worker.output().includes('import staged from chunk outputs'),
      apiCpuSeconds: cpuSeconds('api'),
      workerCpuSeconds: cpuSeconds('worker'),
      postgresCpuSeconds: cpuSeconds('postgres'),
      redisCpuSeconds: cpuSeconds('redis'),
      hostBusyCpuSeconds: cpuSeconds('host'),
      references:
        'pgloader (CSV, default settings) and psql \\copy of the same file, each into an unindexed all-text table, same server',
    };
  });
}
