/**
 * Uploads one large generated contacts CSV through a real API + worker and
 * reports the peak RSS (VmHWM) of each process next to the file size. Starts
 * its own PostgreSQL and Redis in a temp dir. Run through `pnpm bench`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDatabase, migrateToLatest } from '@sluice/db';
import { findFreePort, startPostgres, startRedis } from '@sluice/local-services';
import { postStream } from '../support/client.ts';
import { generateContactsCsvOfSize } from '../support/generate-contacts.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Peak resident set size of a live process, in MiB (Linux). */
function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
  return Math.round(kb / 1024);
}

function start(entry: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [join(root, entry)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export async function largeUploadMemory(sizeMb = 200) {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-mem-'));
  const postgres = await startPostgres({ dataDir: join(dir, 'pg'), durable: false });
  const redis = await startRedis({ dataDir: join(dir, 'redis') });
  const database = createDatabase({ url: postgres.url, poolSize: 1 });
  await migrateToLatest(database.db);
  await database.close();

  const port = await findFreePort();
  const env = {
    // As ./dev start and the Docker image run them; override to compare.
    NODE_OPTIONS: process.env.NODE_OPTIONS ?? '--max-semi-space-size=4 --max-old-space-size=256',
    DATABASE_URL: postgres.url,
    REDIS_URL: redis.url,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    MAX_UPLOAD_BYTES: '2GB',
  };
  const api = start('apps/api/src/main.ts', env);
  const worker = start('apps/worker/src/main.ts', { ...env, WORKER_THREADS: '1' });
  const apiUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const ok = await fetch(`${apiUrl}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > 150) throw new Error('API did not become ready');
    await new Promise((r) => setTimeout(r, 200));
  }

  const t0 = performance.now();
  const res = await postStream(
    `${apiUrl}/v1/jobs`,
    generateContactsCsvOfSize(sizeMb * 1024 * 1024),
    {
      'content-type': 'text/csv',
    },
  );
  if (res.status !== 202) throw new Error(`upload failed: ${res.status} ${res.body}`);
  const uploadSeconds = (performance.now() - t0) / 1000;
  const { id } = JSON.parse(res.body) as { id: string };
  let job: { status: string; counts: { rowsTotal: number; rowsAccepted: number; bytes: number } };
  for (;;) {
    job = (await (await fetch(`${apiUrl}/v1/jobs/${id}`)).json()) as typeof job;
    if (job.status === 'completed' || job.status === 'failed') break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const totalSeconds = (performance.now() - t0) / 1000;
  // Download the result too: the API streams it chunk by chunk.
  const download = await fetch(`${apiUrl}/v1/jobs/${id}/result.csv`);
  let resultBytes = 0;
  for await (const piece of download.body!) resultBytes += (piece as Uint8Array).byteLength;

  const result = {
    scenario: 'large-upload-memory',
    fileMB: Math.round(job.counts.bytes / 1024 / 1024),
    rows: job.counts.rowsTotal,
    status: job.status,
    uploadSeconds: Number(uploadSeconds.toFixed(1)),
    totalSeconds: Number(totalSeconds.toFixed(1)),
    resultMB: Math.round(resultBytes / 1024 / 1024),
    apiPeakRssMB: peakRssMb(api.pid!),
    workerPeakRssMB: peakRssMb(worker.pid!),
    limitMB: 300,
  };

  for (const p of [api, worker]) p.kill('SIGTERM');
  await Promise.all([api, worker].map((p) => new Promise((r) => p.once('exit', r))));
  await redis.stop();
  await postgres.stop();
  rmSync(dir, { recursive: true, force: true });
  return result;
}
