import { readFileSync } from 'node:fs';
import { API_SCOPES } from '@sluice/contract';
import { findFreePort } from '@sluice/local-services';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { useApiKey } from '../support/api-keys.ts';
import { submitCsv, waitForJob } from '../support/client.ts';
import { docker, dockerOk, TEST_LABEL, waitHealthy } from './support/docker.ts';
import { expectSampleResult, SAMPLE } from './support/sample.ts';
import './harness/provided-context.ts';

// The image as operators run it: a migrate container, an API and a worker
// container on the harness' PostgreSQL and Redis, an API key issued by the
// image's `keys` command, the sample CSV through the API. The containers share
// the host's network (their ports are the host's, bound to 127.0.0.1 only), so
// they reach the harness' servers on 127.0.0.1 as the tests do.

const image = inject('sluiceImage');
const run = `${process.pid}`;
const database = `sluice_deploy_${run}`;
const adminUrl = inject('directDatabaseUrl');
const databaseUrl = adminUrl.replace(/\/[^/]*$/, `/${database}`);
const names = { api: `sluice-test-api-${run}`, worker: `sluice-test-worker-${run}` };
let apiUrl: string;
let migrateOutput: string;

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** `docker run` of the image on the host network, with the stack's settings. */
function runArgs(env: Record<string, string>, ...extra: string[]): string[] {
  const settings = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: inject('redisUrl'),
    QUEUE_PREFIX: '{deploy}',
    RATE_LIMIT_SUBMISSIONS_PER_MINUTE: '1000000',
    RATE_LIMIT_READS_PER_MINUTE: '1000000',
    ...env,
  };
  return [
    '--network',
    'host',
    '--label',
    TEST_LABEL,
    ...Object.entries(settings).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
    ...extra,
  ];
}

/** Host-side view of the Node process a container runs (tini's child). */
function nodeProcess(tiniPid: number): { uid: string; cmdline: string; env: string } {
  const [child] = readFileSync(`/proc/${tiniPid}/task/${tiniPid}/children`, 'utf8')
    .trim()
    .split(' ');
  const read = (file: string) => readFileSync(`/proc/${child}/${file}`, 'utf8');
  return {
    uid: /^Uid:\s+(\d+)/m.exec(read('status'))![1]!,
    cmdline: read('cmdline').replaceAll('\0', ' '),
    env: read('environ'),
  };
}

beforeAll(async () => {
  await admin(`CREATE DATABASE ${database}`);
  const migrate = await docker(['run', '--rm', ...runArgs({}), image, 'migrate']);
  expect(migrate.code, migrate.stderr).toBe(0);
  migrateOutput = migrate.stdout;

  const [port, metricsPort] = [await findFreePort(), await findFreePort()];
  apiUrl = `http://127.0.0.1:${port}`;
  await dockerOk([
    'run',
    '--detach',
    '--name',
    names.api,
    '--memory',
    '1g',
    ...runArgs({ HOST: '127.0.0.1', PORT: String(port) }),
    image,
  ]);
  await dockerOk([
    'run',
    '--detach',
    '--name',
    names.worker,
    '--memory',
    '1g',
    ...runArgs({ METRICS_HOST: '127.0.0.1', METRICS_PORT: String(metricsPort) }),
    image,
    'worker',
  ]);
  await Promise.all([waitHealthy(names.api), waitHealthy(names.worker)]);

  const keys = await dockerOk([
    'run',
    '--rm',
    ...runArgs({}),
    image,
    'keys',
    'create',
    '--tenant',
    'deploy',
    '--scopes',
    API_SCOPES.join(','),
  ]);
  const key = /^API key: (\S+)$/m.exec(keys)?.[1];
  expect(key, keys).toBeDefined();
  useApiKey(apiUrl, key!);
}, 300_000);

afterAll(async () => {
  const stopped = await Promise.all(
    Object.values(names).map(async (name) => {
      await docker(['stop', '--time', '60', name]);
      const code = (
        await docker(['inspect', '--format', '{{.State.ExitCode}}', name])
      ).stdout.trim();
      await docker(['rm', '--force', name]);
      return code;
    }),
  );
  await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  // SIGTERM reaches Node through tini; both shut down gracefully (exit 0).
  expect(stopped).toEqual(['0', '0']);
}, 180_000);

describe('API, worker and migrate containers', () => {
  it('migrate applies the schema to an empty database', () => {
    expect(migrateOutput).toMatch(/^Success: /m);
    expect(migrateOutput).not.toMatch(/up to date/);
  });

  it('normalizes the sample through the API into exactly the expected result', async () => {
    const job = await waitForJob(apiUrl, (await submitCsv(apiUrl, readFileSync(SAMPLE))).id);
    await expectSampleResult(job);
  });

  it('serves its OpenAPI document and the /docs page from files in the image', async () => {
    const document = await fetch(`${apiUrl}/openapi.json`);
    expect(document.status).toBe(200);
    expect(((await document.json()) as { openapi: string }).openapi).toBe('3.1.0');
    const page = await fetch(`${apiUrl}/docs`);
    expect(page.status).toBe(200);
    // The page's scripts come from swagger-ui-dist in the image's dependencies.
    const scripts = [...(await page.text()).matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      expect((await fetch(new URL(src, `${apiUrl}/docs`))).status, src).toBe(200);
    }
  });

  it('serves the web app the image built (apps/web/dist) at /', async () => {
    const page = await fetch(`${apiUrl}/`);
    expect(page.status).toBe(200);
    const assets = [...(await page.text()).matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map(
      (m) => m[1]!,
    );
    expect(assets.length).toBe(2);
    for (const src of assets) {
      const asset = await fetch(`${apiUrl}${src}`);
      expect(asset.status, src).toBe(200);
      expect(asset.headers.get('cache-control'), src).toContain('immutable');
      await asset.arrayBuffer();
    }
  });

  it('runs each app as the unprivileged user, under tini, with its heap share of the memory limit', async () => {
    for (const [name, main, heap] of [
      [names.api, 'apps/api/src/main.ts', 75],
      [names.worker, 'apps/worker/src/main.ts', 50],
    ] as const) {
      const tiniPid = Number(await dockerOk(['inspect', '--format', '{{.State.Pid}}', name]));
      expect(readFileSync(`/proc/${tiniPid}/cmdline`, 'utf8').split('\0')[0]).toBe('/usr/bin/tini');
      const node = nodeProcess(tiniPid);
      expect(node.uid).toBe('10001');
      expect(node.cmdline).toBe(`node ${main} `);
      // The API's young generation is kept small; the worker's threads size
      // their own (a process-wide semi-space size would override it).
      const semiSpace = main.startsWith('apps/api') ? ' --max-semi-space-size=16' : '';
      expect(node.env.split('\0')).toContain(
        `NODE_OPTIONS=--max-old-space-size-percentage=${heap}${semiSpace}`,
      );
    }
  });

  it('HEALTHCHECK probes the process the container runs', async () => {
    // Both became healthy in beforeAll; a worker whose health port does not
    // answer is reported unhealthy (the probe reads the container's settings).
    const closedPort = String(await findFreePort());
    const probe = (name: string, env: string) =>
      docker(['exec', '--env', env, name, '/bin/sh', '/usr/local/lib/sluice/healthcheck.sh']);
    expect((await probe(names.worker, `METRICS_PORT=${closedPort}`)).code).not.toBe(0);
    expect((await probe(names.api, `PORT=${closedPort}`)).code).not.toBe(0);
    expect((await probe(names.api, 'LOG_LEVEL=info')).code).toBe(0);
    expect((await probe(names.worker, 'LOG_LEVEL=info')).code).toBe(0);
  });
});
