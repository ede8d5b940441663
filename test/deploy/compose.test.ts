import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_SCOPES } from '@sluice/contract';
import { findFreePort } from '@sluice/local-services';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { useApiKey } from '../support/api-keys.ts';
import { getText, type JobBody, submitCsv, waitForJob } from '../support/client.ts';
import { generateContactsCsv } from '../support/generate-contacts.ts';
import { composeProject } from './support/compose.ts';
import { docker, dockerOk, waitHealthy } from './support/docker.ts';
import { expectSampleResult, SAMPLE } from './support/sample.ts';
import './harness/provided-context.ts';

// docker/compose.yaml as an operator runs it: every image built from this
// checkout (the app image by the harness, the others by `docker-compose
// build` here), the stack up, the README's curl flow through the published
// API port; then three workers, Prometheus finding each, a 50k-row job spread
// over them; the PgBouncer and node exporters up in Prometheus; a worker
// killed and the Redis primary stopped mid-job, each run giving exactly the
// output of the undisturbed one; `down -v` leaving nothing.

const log = (message: string) => console.log(`[compose] ${message}`);
// Large enough that a job is still running when a test disturbs it: at
// 50,000 rows (91 chunks) the three workers finished a job within a second
// of its third chunk, so a Redis stop could find nothing left to process.
const ROWS = 200_000;
/**
 * Settings of the apps for this run, merged over docker/compose.yaml as an
 * operator's own file would be: small chunks (~360 of the 200k-row file, for
 * three workers to share), and room for every row error, so that errors.csv
 * is the complete report (a capped one keeps whichever chunks commit first)
 * and compares exactly between runs.
 */
const SETTINGS = `
x-settings: &settings
  CHUNK_BYTES: 64KB
  MAX_ERROR_ROWS_PER_JOB: 1000000
services:
  api: { environment: *settings }
  worker: { environment: *settings }
`;
/** Services whose images docker/compose.yaml builds from their own Dockerfiles. */
const SERVICE_IMAGES = [
  'postgres',
  'pgbouncer',
  'redis-primary',
  'prometheus',
  'alertmanager',
  'pgbouncer-exporter',
  'node-exporter',
];

let apiUrl: string;
let promUrl: string;
let project: ReturnType<typeof composeProject>;
let input: Buffer;
/** The undisturbed run of `input`: what every disturbed run must give. */
let baseline: { result: string; errors: string; job: JobBody } | undefined;
let downDone = false;
let settingsDir: string;

const compose = (args: readonly string[], timeoutMs?: number) => project.run(args, timeoutMs);
const containers = (service: string) => project.containers(service);

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** An instant query of Prometheus's HTTP API: `labels -> value` per series. */
async function promQuery(
  query: string,
): Promise<Array<{ metric: Record<string, string>; value: number }>> {
  const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(query)}`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as {
    data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
  };
  return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
}

/** Chunks applied so far by each worker instance, as Prometheus last scraped them. */
async function appliedChunksByInstance(): Promise<Map<string, number>> {
  const series = await promQuery(
    'sum by (instance) (sluice_chunk_duration_seconds_count{job="sluice-worker",outcome="applied"})',
  );
  return new Map(series.map((s) => [s.metric.instance!, s.value]));
}

/** The job as the API sees it now; undefined while the API cannot answer (503 mid-failover). */
async function jobNow(id: string): Promise<JobBody | undefined> {
  const res = await fetch(`${apiUrl}/v1/jobs/${id}`, { headers: { 'cache-control': 'no-cache' } });
  if (res.status !== 200) return undefined;
  return (await res.json()) as JobBody;
}

/** Waits until a job is running with some chunks done and many still to do. */
async function midJob(id: string): Promise<JobBody> {
  return until(`job ${id} half-way`, 120_000, async () => {
    const job = await jobNow(id);
    expect(job?.status).not.toMatch(/completed|failed/);
    return job && job.progress.chunksDone >= 3 ? job : undefined;
  });
}

async function outputOf(job: JobBody): Promise<{ result: string; errors: string }> {
  const [result, errors] = await Promise.all([
    getText(job.links.result),
    getText(job.links.errors),
  ]);
  expect([result.status, errors.status]).toEqual([200, 200]);
  return { result: result.body, errors: errors.body };
}

/** A disturbed run's job against the undisturbed one: same counts, byte-identical files. */
async function expectSameAsBaseline(job: JobBody): Promise<void> {
  expect(baseline, 'the undisturbed run must have happened first').toBeDefined();
  expect(job.status).toBe('completed');
  expect(job.progress.chunksDone).toBe(baseline!.job.progress.chunksTotal);
  expect(job.counts).toEqual(baseline!.job.counts);
  const output = await outputOf(job);
  // Identical files: no row lost, none written twice, same order.
  expect(output.result.length).toBe(baseline!.result.length);
  expect(output.result === baseline!.result).toBe(true);
  expect(output.errors === baseline!.errors).toBe(true);
}

beforeAll(async () => {
  const [apiPort, promPort, alertPort] = [
    await findFreePort(),
    await findFreePort(),
    await findFreePort(),
  ];
  apiUrl = `http://127.0.0.1:${apiPort}`;
  promUrl = `http://127.0.0.1:${promPort}`;
  settingsDir = mkdtempSync(join(tmpdir(), 'sluice-compose-'));
  const settingsFile = join(settingsDir, 'settings.yaml');
  writeFileSync(settingsFile, SETTINGS);
  project = composeProject(
    `sluicecompose${process.pid}`,
    {
      SLUICE_IMAGE: inject('sluiceImage'),
      SLUICE_API_PORT: String(apiPort),
      SLUICE_PUBLIC_URL: apiUrl,
      PROMETHEUS_PORT: String(promPort),
      ALERTMANAGER_PORT: String(alertPort),
    },
    [settingsFile],
  );
  input = await collect(generateContactsCsv(ROWS));

  // The service images, built as `docker compose build` builds them; the app
  // image is the one the harness built from the same docker/Dockerfile.
  const missing = (
    await Promise.all(
      SERVICE_IMAGES.map(async (s) =>
        (await docker(['image', 'inspect', `sluice-${s.replace('-primary', '')}:latest`])).code ===
        0
          ? undefined
          : s,
      ),
    )
  ).filter(Boolean);
  const started = performance.now();
  await compose(['build', ...SERVICE_IMAGES], 900_000);
  log(
    `built ${SERVICE_IMAGES.length} service images in ${((performance.now() - started) / 1000).toFixed(1)} s (${missing.length === 0 ? 'warm: layer cache' : `cold for ${missing.join(', ')}`})`,
  );

  const up = performance.now();
  await compose(['up', '--detach', '--no-build'], 300_000);
  log(`stack up (every health check passed) in ${((performance.now() - up) / 1000).toFixed(1)} s`);
  for (const service of [
    'api',
    'worker',
    'pgbouncer',
    'postgres',
    'redis-primary',
    'prometheus',
    'pgbouncer-exporter',
    'node-exporter',
  ]) {
    for (const id of await containers(service)) await waitHealthy(id, 120_000);
  }

  // README: an API key from the image's `keys` command, in a one-off container.
  const keys = await compose([
    'run',
    '--rm',
    '--no-deps',
    'api',
    'keys',
    'create',
    '--tenant',
    'compose',
    '--scopes',
    API_SCOPES.join(','),
  ]);
  const key = /^API key: (\S+)$/m.exec(keys)?.[1];
  expect(key, keys).toBeDefined();
  useApiKey(apiUrl, key!);
}, 1_200_000);

afterAll(async () => {
  if (!downDone) await compose(['down', '--volumes', '--timeout', '10'], 300_000).catch(() => {});
  rmSync(settingsDir, { recursive: true, force: true });
}, 300_000);

describe('docker/compose.yaml', () => {
  it('runs migrate once and the apps through PgBouncer in transaction mode', async () => {
    const [migrate] = (await compose(['ps', '--all', '--quiet', 'migrate'])).split('\n');
    expect(
      await dockerOk(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', migrate!]),
    ).toBe('exited 0\n');
    const pools = await compose([
      'exec',
      '-T',
      'pgbouncer',
      'sh',
      '-c',
      'PGPASSWORD="$DB_PASSWORD" psql --no-psqlrc -At -h 127.0.0.1 -p 6432 -U "$DB_USER" pgbouncer -c "show pools"',
    ]);
    // database|user|cl_active|...|pool_mode: the apps' clients are PgBouncer's.
    const sluicePool = pools.split('\n').find((line) => line.startsWith('sluice|'));
    expect(sluicePool, pools).toMatch(/\|transaction$/);
    expect(Number(sluicePool!.split('|')[2]) + Number(sluicePool!.split('|')[3])).toBeGreaterThan(
      0,
    );
  });

  it("gives the sample's expected result through the published API port (the README's curl flow)", async () => {
    const job = await waitForJob(
      apiUrl,
      (await submitCsv(apiUrl, readFileSync(SAMPLE), '?filename=contacts.csv')).id,
    );
    await expectSampleResult(job);
    const health = (await (await fetch(`${apiUrl}/health`)).json()) as { redis?: unknown };
    log(`API /health redis: ${JSON.stringify(health.redis)}`);
  });

  it("Prometheus scrapes the PgBouncer and node exporters: PgBouncer's pool, the host's CPU and memory", async () => {
    // A scrape every 15 s: the first ones after start.
    const targets = await until('the exporters up in Prometheus', 120_000, async () => {
      const series = await promQuery('up{job=~"pgbouncer|node"}');
      return series.length === 2 && series.every((s) => s.value === 1) ? series : undefined;
    });
    log(`exporter targets up: ${targets.map((s) => s.metric.instance).join(', ')}`);
    expect((await promQuery('pgbouncer_up'))[0]?.value).toBe(1);
    // The shipped pgbouncer.ini's pool, as the exporter read it from PgBouncer.
    expect((await promQuery('pgbouncer_pool_size{database="sluice"}'))[0]?.value).toBe(20);
    expect(
      await promQuery('pgbouncer_waiting_clients{database="sluice",user="sluice"}'),
    ).toHaveLength(1);
    expect(
      await promQuery('pgbouncer_pools_client_maxwait_seconds{database="sluice",user="sluice"}'),
    ).toHaveLength(1);
    // The host's, read through the mounted /proc.
    expect((await promQuery('node_memory_MemTotal_bytes'))[0]?.value).toBeGreaterThan(0);
    expect(
      (await promQuery('count(node_cpu_seconds_total{mode="idle"})'))[0]?.value,
    ).toBeGreaterThan(0);
  });

  it('--scale worker=3: Prometheus finds all three, and a 200k-row job is processed by all of them', async () => {
    await compose(['up', '--detach', '--no-build', '--scale', 'worker=3'], 300_000);
    const workers = await containers('worker');
    expect(workers).toHaveLength(3);
    for (const id of workers) await waitHealthy(id, 120_000);
    // DNS service discovery re-resolves `worker` every 30 s; a scrape every 15 s.
    const up = await until('3 worker targets up in Prometheus', 150_000, async () => {
      const series = await promQuery('up{job="sluice-worker"}');
      return series.length === 3 && series.every((s) => s.value === 1) ? series : undefined;
    });
    expect(new Set(up.map((s) => s.metric.instance)).size).toBe(3);
    const before = await appliedChunksByInstance();

    const submitted = await submitCsv(apiUrl, input);
    const job = await waitForJob(apiUrl, submitted.id, 600_000);
    expect(job.status).toBe('completed');
    expect(job.counts.rowsTotal).toBe(ROWS);
    expect(job.counts.errorsTruncated).toBe(false);
    baseline = { ...(await outputOf(job)), job };

    // Every applied chunk counted once, by the worker that applied it.
    const spread = await until('every chunk scraped', 120_000, async () => {
      const after = await appliedChunksByInstance();
      const delta = [...after].map(
        ([instance, n]) => [instance, n - (before.get(instance) ?? 0)] as const,
      );
      const total = delta.reduce((sum, [, n]) => sum + n, 0);
      return total === job.progress.chunksTotal ? delta : undefined;
    });
    log(
      `chunk spread of ${job.progress.chunksTotal} chunks over 3 workers: ${spread.map(([i, n]) => `${i}=${n}`).join(', ')}`,
    );
    expect(spread).toHaveLength(3);
    for (const [instance, n] of spread) expect(n, instance).toBeGreaterThan(0);
  });

  it('docker kill of a worker mid-job: output identical to the undisturbed run', async () => {
    const { id } = await submitCsv(apiUrl, input);
    const at = await midJob(id);
    const [victim] = await containers('worker');
    const killed = performance.now();
    await dockerOk(['kill', victim!]);
    const job = await waitForJob(apiUrl, id, 600_000);
    log(
      `worker killed at ${at.progress.chunksDone}/${at.progress.chunksTotal} chunks; job completed ${((performance.now() - killed) / 1000).toFixed(1)} s later`,
    );
    await expectSameAsBaseline(job);
  });

  it('docker stop of the Redis primary mid-job: Sentinel fails over, output identical to the undisturbed run', async () => {
    const primaryOf = async () =>
      (
        await compose([
          'exec',
          '-T',
          'sentinel-1',
          'redis-cli',
          '-p',
          '26379',
          'sentinel',
          'get-master-addr-by-name',
          'sluice',
        ])
      )
        .split('\n')[0]!
        .trim();
    expect(await primaryOf()).toBe('redis-primary');
    const { id } = await submitCsv(apiUrl, input);
    const at = await midJob(id);
    // The workers are held still while Redis fails over, so that chunks are
    // left to claim from the new primary (running on, they could finish the
    // job before any Sentinel had promoted the replica, and this would test
    // nothing); the in-flight ones find their locks lost when they resume.
    const workers = await containers('worker');
    await dockerOk(['pause', ...workers]);
    let paused = true;
    const unpause = async () => {
      if (!paused) return;
      paused = false;
      await dockerOk(['unpause', ...workers]);
    };
    // A failure while they are held must not leave them paused for the next tests.
    onTestFinished(() => unpause());
    const held = await until('the job seen with its workers held', 30_000, () => jobNow(id));
    expect(held.progress.chunksDone, 'chunks left for the new primary').toBeLessThan(
      held.progress.chunksTotal,
    );
    const [primary] = await containers('redis-primary');
    const stopped = performance.now();
    const seconds = () => ((performance.now() - stopped) / 1000).toFixed(1);
    await dockerOk(['stop', primary!]);
    // Failover time: from the stop to the Sentinels naming the replica the
    // primary, then to the first chunk the job commits after that.
    await until('the Sentinels promote the replica', 120_000, async () =>
      (await primaryOf()) === 'redis-replica' ? true : undefined,
    );
    const promoted = seconds();
    const doneAtPromotion = (await until('the API answers', 60_000, () => jobNow(id))).progress
      .chunksDone;
    await unpause();
    await until('a chunk committed after the failover', 180_000, async () => {
      const job = await jobNow(id);
      return job && job.progress.chunksDone > doneAtPromotion ? job : undefined;
    });
    const resumed = seconds();
    const job = await waitForJob(apiUrl, id, 600_000);
    log(
      `Redis primary stopped at ${at.progress.chunksDone}/${at.progress.chunksTotal} chunks; replica promoted ${promoted} s later; next chunk committed ${resumed} s after the stop; job completed ${seconds()} s after it`,
    );
    expect(await primaryOf()).toBe('redis-replica');
    await expectSameAsBaseline(job);

    // The old primary, started again, is made a replica of the new one.
    await dockerOk(['start', primary!]);
    await until('the old primary rejoins as a replica', 90_000, async () => {
      const role = await compose(['exec', '-T', 'redis-primary', 'redis-cli', 'role']).catch(
        () => '',
      );
      return role.split('\n')[0]?.trim() === 'slave' ? true : undefined;
    });
  });

  it('compose down -v leaves no container, volume or network of the project', async () => {
    await compose(['down', '--volumes', '--timeout', '30'], 300_000);
    downDone = true;
    expect(await project.leftovers()).toEqual([]);
  });
});
