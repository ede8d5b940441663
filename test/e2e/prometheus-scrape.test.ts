import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '@sluice/local-services';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AppProcess, spawnProcess, waitForHttp } from '../harness/processes.ts';
import { type JobBody, postStream, waitForJob } from '../support/client.ts';
import { generateContactsCsv } from '../support/generate-contacts.ts';
import { type Stack, startStack } from '../support/stack.ts';

/**
 * A real Prometheus (Debian's, installed by ./dev test) scrapes the API and a
 * worker every 250 ms while a job runs; the assertions go through its HTTP
 * API, as an operator's dashboards and alerts would.
 */
let stack: Stack;
let prometheus: AppProcess;
let promUrl: string;
let dir: string;

async function query(
  expr: string,
): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as {
    status: string;
    data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
  };
  expect(body.status).toBe('success');
  return body.data.result;
}

async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Prometheus never showed ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  const workerPort = await findFreePort();
  stack = await startStack({
    queuePrefix: '{e2e-prom}',
    // Small chunks: ~430 of them, processed one at a time for a few seconds,
    // which is many 250 ms scrapes even on a faster machine than this one.
    env: { CHUNK_BYTES: '8KB' },
    workerEnv: { METRICS_PORT: String(workerPort), WORKER_THREADS: '1', WORKER_CONCURRENCY: '1' },
  });
  dir = mkdtempSync(join(tmpdir(), 'sluice-prom-'));
  const apiTarget = new URL(stack.apiUrl).host;
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global: { scrape_interval: 250ms, evaluation_interval: 1s }',
      'scrape_configs:',
      `  - job_name: sluice-api\n    static_configs: [{ targets: ['${apiTarget}'] }]`,
      `  - job_name: sluice-worker\n    static_configs: [{ targets: ['127.0.0.1:${workerPort}'] }]`,
      '',
    ].join('\n'),
  );
  const port = await findFreePort();
  promUrl = `http://127.0.0.1:${port}`;
  prometheus = spawnProcess(
    'prometheus',
    '/usr/bin/prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    {},
  );
  await waitForHttp(`${promUrl}/-/ready`, 30_000);
});

afterAll(async () => {
  await prometheus?.stop('SIGTERM');
  const codes = await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  expect(codes).toEqual(codes?.map(() => 0));
});

it('shows queue depth while a job runs and worker memory, via the Prometheus HTTP API', async () => {
  // Both targets up before the job starts.
  await eventually('both targets up', async () => {
    const up = await query('up');
    return up.length === 2 && up.every((s) => s.value[1] === '1') ? up : undefined;
  });

  const res = await postStream(`${stack.apiUrl}/v1/jobs`, generateContactsCsv(30_000, 5), {
    'content-type': 'text/csv',
  });
  expect(res.status, res.body).toBe(202);
  const id = (JSON.parse(res.body) as JobBody).id;

  // One worker, one chunk at a time, 400+ chunks: the backlog is visible for seconds.
  const backlog = await eventually('a chunk backlog', async () => {
    const series = await query(
      'sluice_queue_jobs{queue="sluice-chunks",state="waiting",process="api"}',
    );
    const value = Number(series[0]?.value[1] ?? 0);
    return value > 0 ? value : undefined;
  });
  expect(backlog).toBeGreaterThan(0);

  const job = await waitForJob(stack.apiUrl, id, 240_000);
  expect(job.status).toBe('completed');

  // The job is complete only after its last chunk, but Prometheus samples once
  // a second: wait for a scrape taken after that, where every chunk counts as
  // completed and none waits. (A scrape between the last chunk going active and
  // it completing shows waiting 0 with one chunk short.)
  const drained = await eventually('every chunk completed and none waiting', async () => {
    const [waiting, completed] = await Promise.all([
      query('sluice_queue_jobs{queue="sluice-chunks",state="waiting",process="worker"}'),
      query('sluice_queue_jobs{queue="sluice-chunks",state="completed",process="worker"}'),
    ]);
    const done = Number(completed[0]?.value[1] ?? 0);
    return waiting.length === 1 &&
      Number(waiting[0]!.value[1]) === 0 &&
      done >= job.progress.chunksTotal
      ? done
      : undefined;
  });
  expect(drained).toBeGreaterThanOrEqual(job.progress.chunksTotal);

  const rss = await query('sluice_process_resident_memory_bytes{process="worker"}');
  expect(rss).toHaveLength(1);
  expect(Number(rss[0]!.value[1])).toBeGreaterThan(50 * 1024 * 1024);
  const heaps = await query('sluice_worker_thread_heap_bytes');
  expect(heaps.length).toBeGreaterThanOrEqual(1);
  expect(Number(heaps[0]!.value[1])).toBeGreaterThan(0);
});
