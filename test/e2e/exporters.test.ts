import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findFreePort } from '@sluice/local-services';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type AppProcess, spawnProcess, waitForHttp } from '../harness/processes.ts';
import { debianBinary } from '../support/debian-package.ts';
import { sample } from '../support/metrics-text.ts';
import {
  EXPORTER_USER,
  type ShippedPgBouncer,
  startShippedPgBouncer,
} from '../support/shipped-pgbouncer.ts';

// The exporters docker/compose.yaml runs beside Sluice, as real processes:
// Debian's prometheus-pgbouncer-exporter (through docker/pgbouncer-exporter's
// sluice-pgbouncer-exporter, which makes it work with PgBouncer 1.18) against
// a real PgBouncer running the shipped pgbouncer.ini, logging in as the
// shipped stats user; and Debian's prometheus-node-exporter. What the
// dashboard and the alert rules read from them must be in their output.

const root = fileURLToPath(new URL('../..', import.meta.url));
const SHIM = `${root}docker/pgbouncer-exporter/sluice-pgbouncer-exporter`;
/** Clients that exhaust the shipped pool: default_pool_size 20 + reserve_pool_size 5. */
const CLIENTS = 30;

let bouncer: ShippedPgBouncer;
const started: AppProcess[] = [];
let pgbouncerMetricsUrl: string;
let nodeMetricsUrl: string;

async function scrape(url: string): Promise<string> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return res.text();
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The exporter on a free port, asking PgBouncer on `pgbouncerPort`. */
async function startPgBouncerExporter(name: string, pgbouncerPort: number, password: string) {
  const port = await findFreePort();
  const args = [
    SHIM,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--pgbouncer-host',
    '127.0.0.1',
    '--pgbouncer-port',
    String(pgbouncerPort),
    '--pgbouncer-user',
    EXPORTER_USER,
  ];
  const exporter = spawnProcess(name, '/usr/bin/python3', args, { PGPASSWORD: password });
  started.push(exporter);
  const url = `http://127.0.0.1:${port}/metrics`;
  await waitForHttp(url, 30_000);
  return url;
}

/** Metric names of `prefix` that a file of the repository names. */
function namedIn(file: string, prefix: string): string[] {
  const text = readFileSync(`${root}${file}`, 'utf8');
  return [
    ...new Set(
      [...text.matchAll(new RegExp(`\\b${prefix}[a-zA-Z0-9_]+\\b`, 'g'))].map((m) => m[0]),
    ),
  ];
}

beforeAll(async () => {
  await debianBinary('/usr/bin/prometheus-pgbouncer-exporter', 'prometheus-pgbouncer-exporter');
  const nodeExporter = await debianBinary(
    '/usr/bin/prometheus-node-exporter',
    'prometheus-node-exporter',
  );
  bouncer = await startShippedPgBouncer(inject('directDatabaseUrl'));
  pgbouncerMetricsUrl = await startPgBouncerExporter(
    'pgbouncer-exporter',
    bouncer.port,
    bouncer.exporterPassword,
  );
  const nodePort = await findFreePort();
  started.push(
    spawnProcess('node-exporter', nodeExporter, [`--web.listen-address=127.0.0.1:${nodePort}`], {}),
  );
  nodeMetricsUrl = `http://127.0.0.1:${nodePort}/metrics`;
  await waitForHttp(nodeMetricsUrl, 30_000);
});

afterAll(async () => {
  for (const p of started) await p.stop('SIGTERM');
  await bouncer?.stop();
});

describe('PgBouncer exporter (Debian prometheus-pgbouncer-exporter)', () => {
  it("reports PgBouncer's pools, sizes and traffic", async () => {
    const db = bouncer.database;
    const client = new pg.Client({
      connectionString: bouncer.urlFor(bouncer.user, bouncer.password, db),
    });
    await client.connect();
    await client.query('select 1');
    await client.end();

    const text = await scrape(pgbouncerMetricsUrl);
    expect(sample(text, 'pgbouncer_up')).toBe(1);
    // The shipped sizes, as PgBouncer reports them.
    expect(sample(text, 'pgbouncer_pool_size', { database: db })).toBe(20);
    expect(sample(text, 'pgbouncer_reserve_pool', { database: db })).toBe(5);
    const pool = { database: db, user: bouncer.user };
    expect(sample(text, 'pgbouncer_waiting_clients', pool)).toBe(0);
    expect(sample(text, 'pgbouncer_pools_client_maxwait_seconds', pool)).toBe(0);
    expect(sample(text, 'pgbouncer_active_clients', pool)).toBeTypeOf('number');
    expect(sample(text, 'pgbouncer_idle_servers', pool)).toBeGreaterThanOrEqual(1);
    // SHOW STATS under PgBouncer 1.18's column names (the packaged exporter
    // died on the old `total_requests`).
    expect(sample(text, 'pgbouncer_requests_total', { database: db })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'pgbouncer_transactions_total', { database: db })).toBeGreaterThanOrEqual(
      1,
    );
    expect(sample(text, 'pgbouncer_client_wait_microseconds_total', { database: db })).toBeTypeOf(
      'number',
    );
  });

  it('shows waiting clients and how long the oldest has waited while the pool is exhausted', async () => {
    const db = bouncer.database;
    const pool = { database: db, user: bouncer.user };
    const clients = Array.from(
      { length: CLIENTS },
      () => new pg.Client({ connectionString: bouncer.urlFor(bouncer.user, bouncer.password, db) }),
    );
    await Promise.all(clients.map((c) => c.connect()));
    // Each holds a server connection until cancelled: 25 get one (pool +
    // reserve after reserve_pool_timeout), the other 5 wait in PgBouncer.
    const sleeping = clients.map((c) =>
      c.query('select pg_sleep(600)').then(
        () => 'finished',
        (error: { code?: string }) => error.code,
      ),
    );
    const direct = new pg.Client({ connectionString: inject('directDatabaseUrl') });
    await direct.connect();
    try {
      const seen = await until('waiting clients with a wait of 1 s or more', async () => {
        const text = await scrape(pgbouncerMetricsUrl);
        const waiting = sample(text, 'pgbouncer_waiting_clients', pool) ?? 0;
        const maxwait = sample(text, 'pgbouncer_pools_client_maxwait_seconds', pool) ?? 0;
        return waiting >= 1 && maxwait >= 1 ? { waiting, maxwait } : undefined;
      });
      expect(seen.waiting).toBeLessThanOrEqual(CLIENTS);
      expect(seen.maxwait).toBeGreaterThanOrEqual(1);

      // Cancel every sleep (the waiting ones get a server and start theirs
      // as the first are cancelled) until each client has its answer.
      let settled = false;
      void Promise.all(sleeping).then(() => {
        settled = true;
      });
      while (!settled) {
        await direct.query(
          "select pg_cancel_backend(pid) from pg_stat_activity where query = 'select pg_sleep(600)'",
        );
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(await Promise.all(sleeping)).toEqual(clients.map(() => '57014'));
    } finally {
      await direct.end();
      await Promise.all(clients.map((c) => c.end()));
    }
    const after = await until('no client waiting', async () => {
      const text = await scrape(pgbouncerMetricsUrl);
      return sample(text, 'pgbouncer_waiting_clients', pool) === 0 ? text : undefined;
    });
    expect(sample(after, 'pgbouncer_pools_client_maxwait_seconds', pool)).toBe(0);
  });

  it('answers with pgbouncer_up 0 (not an error) while PgBouncer is unreachable', async () => {
    const nothing = await findFreePort();
    const url = await startPgBouncerExporter('pgbouncer-exporter-nothing', nothing, 'x');
    const text = await scrape(url);
    expect(sample(text, 'pgbouncer_up')).toBe(0);
    expect(sample(text, 'pgbouncer_waiting_clients')).toBeUndefined();
  });
});

describe('node exporter (Debian prometheus-node-exporter)', () => {
  it("reports the host's CPU time and memory", async () => {
    const text = await scrape(nodeMetricsUrl);
    expect(sample(text, 'node_cpu_seconds_total', { cpu: '0', mode: 'idle' })).toBeGreaterThan(0);
    expect(sample(text, 'node_memory_MemTotal_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'node_memory_MemAvailable_bytes')).toBeGreaterThan(0);
  });
});

describe('what the dashboard and the alert rules read from the exporters', () => {
  it('every pgbouncer_* and node_* metric they name is in the exporters’ output', async () => {
    const [pgbouncerText, nodeText] = await Promise.all([
      scrape(pgbouncerMetricsUrl),
      scrape(nodeMetricsUrl),
    ]);
    const files = ['docker/grafana/dashboards/sluice.json', 'docker/prometheus/alerts.yml'];
    const pgbouncerNames = files.flatMap((f) => namedIn(f, 'pgbouncer_'));
    const nodeNames = files.flatMap((f) => namedIn(f, 'node_'));
    // The dashboard's PgBouncer and host panels at least.
    expect(pgbouncerNames).toContain('pgbouncer_waiting_clients');
    expect(nodeNames).toContain('node_cpu_seconds_total');
    for (const name of pgbouncerNames) {
      expect(pgbouncerText, name).toMatch(new RegExp(`^${name}[{ ]`, 'm'));
    }
    for (const name of nodeNames) {
      expect(nodeText, name).toMatch(new RegExp(`^${name}[{ ]`, 'm'));
    }
  });
});
