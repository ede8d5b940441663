import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '@sluice/local-services';
import { afterAll, expect, it } from 'vitest';
import { spawnApp } from '../harness/processes.ts';
import { getText, type JobBody, postStream, waitForJob } from '../support/client.ts';
import { generateContactsCsv } from '../support/generate-contacts.ts';

// `./dev start` (apps/local): PostgreSQL and Redis as child processes under
// the data folder, migrations, then API and worker. One Ctrl-C stops all of
// it, cleanly; a job submitted meanwhile completes.

const dataDir = mkdtempSync(join(tmpdir(), 'sluice-local-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('runs Sluice on its embedded default and stops everything on SIGINT', async () => {
  const [port, pgPort, redisPort, metricsPort] = await Promise.all([
    findFreePort(),
    findFreePort(),
    findFreePort(),
    findFreePort(),
  ]);
  const local = spawnApp('local', 'apps/local/src/main.ts', {
    SLUICE_DATA_DIR: dataDir,
    PORT: String(port),
    SLUICE_PG_PORT: String(pgPort),
    SLUICE_REDIS_PORT: String(redisPort),
    METRICS_PORT: String(metricsPort),
    LOG_LEVEL: 'warn',
  });
  try {
    await local.waitForOutput(/Sluice is up/, 60_000);
    expect(local.output()).toMatch(/schema up to date|migrations applied/);

    const apiUrl = `http://127.0.0.1:${port}`;
    const res = await postStream(`${apiUrl}/v1/jobs`, generateContactsCsv(200, 3), {
      'content-type': 'text/csv',
    });
    expect(res.status, res.body).toBe(202);
    const job = await waitForJob(apiUrl, (JSON.parse(res.body) as JobBody).id);
    expect(job.status, job.error ?? '').toBe('completed');
    expect(job.counts.rowsTotal).toBe(200);
    expect((await getText(job.links.result)).status).toBe(200);
    expect((await getText(`http://127.0.0.1:${metricsPort}/metrics`)).body).toMatch(
      /sluice_worker_up 1/,
    );
  } finally {
    expect(await local.stop('SIGINT', 30_000)).toBe(0);
  }
  expect(local.output()).toMatch(/stopping Redis and PostgreSQL\.\.\.[\s\S]*\[sluice\] stopped/);
});
