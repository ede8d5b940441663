import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { submitCsv, waitForJob } from '../support/client.ts';
import { generateContactsCsv } from '../support/generate-contacts.ts';
import {
  EXPORTER_USER,
  SHIPPED_INI,
  type ShippedPgBouncer,
  startShippedPgBouncer,
} from '../support/shipped-pgbouncer.ts';
import { type Stack, startStack } from '../support/stack.ts';

// docker/pgbouncer/pgbouncer.ini, the production configuration the repository
// ships (and docker/compose.yaml runs), started by a real PgBouncer in front
// of the harness' PostgreSQL with only its addresses and user list changed:
// every setting it names is accepted and in force, SCRAM authentication works
// from a user list written as userlist.txt.example says, and Sluice runs a
// whole job through it.

let bouncer: ShippedPgBouncer;
let stack: Stack | undefined;

/** A query on PgBouncer's admin console as the shipped stats user. */
async function admin<T extends pg.QueryResultRow>(command: string): Promise<T[]> {
  const client = new pg.Client({
    connectionString: bouncer.urlFor(EXPORTER_USER, bouncer.exporterPassword, 'pgbouncer'),
  });
  await client.connect();
  try {
    return (await client.query<T>(command)).rows;
  } finally {
    await client.end();
  }
}

/** `key = value` lines of the [pgbouncer] section of the shipped file. */
function shippedSettings(): Map<string, string> {
  const settings = new Map<string, string>();
  let section = '';
  for (const line of readFileSync(SHIPPED_INI, 'utf8').split('\n')) {
    if (line.startsWith('[')) section = line.trim();
    const m = /^(\w+) =\s*(.*)$/.exec(line);
    if (section === '[pgbouncer]' && m) settings.set(m[1]!, m[2]!.trim());
  }
  return settings;
}

beforeAll(async () => {
  // Straight to PostgreSQL: this PgBouncer is the one under test, not the
  // harness' (SLUICE_TEST_PGBOUNCER=1 runs one in front of the same server).
  bouncer = await startShippedPgBouncer(inject('directDatabaseUrl'));
});

afterAll(async () => {
  const codes = await stack?.stop();
  await bouncer?.stop();
  expect(codes ?? []).toEqual((codes ?? []).map(() => 0));
});

describe('docker/pgbouncer/pgbouncer.ini (shipped)', () => {
  it('starts, and every setting it names is in force', async () => {
    const shipped = shippedSettings();
    expect(shipped.size).toBeGreaterThan(25);
    // The production choices this file exists for.
    expect(shipped.get('pool_mode')).toBe('transaction');
    expect(shipped.get('auth_type')).toBe('scram-sha-256');
    for (const key of [
      'max_client_conn',
      'default_pool_size',
      'min_pool_size',
      'reserve_pool_size',
      'reserve_pool_timeout',
      'server_lifetime',
      'server_idle_timeout',
      'query_wait_timeout',
    ]) {
      expect(Number(shipped.get(key)), key).toBeGreaterThan(0);
    }

    const config = new Map(
      (await admin<{ key: string; value: string }>('SHOW CONFIG')).map((r) => [r.key, r.value]),
    );
    // What the test changed (addresses, user list); the rest must read back as written.
    const rewritten = new Set(['listen_addr', 'listen_port', 'auth_file']);
    for (const [key, value] of shipped) {
      if (rewritten.has(key)) continue;
      expect(config.has(key), `${key} is a PgBouncer setting`).toBe(true);
      const actual = config.get(key)!;
      if (value !== '' && Number.isFinite(Number(value))) {
        expect(Number(actual), key).toBe(Number(value));
      } else {
        expect(actual, key).toBe(value);
      }
    }
  });

  it('authenticates with SCRAM from the user list: the right password in, a wrong one out', async () => {
    const client = new pg.Client({
      connectionString: bouncer.urlFor(bouncer.user, bouncer.password, bouncer.database),
    });
    await client.connect();
    try {
      expect((await client.query<{ one: number }>('select 1 as one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await client.end();
    }
    const wrong = new pg.Client({
      connectionString: bouncer.urlFor(bouncer.user, `${bouncer.password}x`, bouncer.database),
    });
    wrong.on('error', () => {});
    await expect(wrong.connect()).rejects.toThrow(/SASL authentication failed/);
    await wrong.end().catch(() => {});
  });

  it('Sluice processes a job through it (API and worker on its transaction pool)', async () => {
    stack = await startStack({
      queuePrefix: '{e2e-pgb-shipped}',
      env: {
        DATABASE_URL: bouncer.urlFor(bouncer.user, bouncer.password, bouncer.database),
      },
    });
    const chunks: Buffer[] = [];
    for await (const chunk of generateContactsCsv(5_000)) chunks.push(chunk);
    const submitted = await submitCsv(stack.apiUrl, Buffer.concat(chunks));
    const job = await waitForJob(stack.apiUrl, submitted.id);
    expect(job.status).toBe('completed');
    expect(job.counts.rowsTotal).toBe(5_000);

    // The API's and the worker's connections are PgBouncer's clients, pooled
    // onto server connections in transaction mode.
    const pools = await admin<{
      database: string;
      cl_active: string;
      cl_waiting: string;
      sv_active: string;
      sv_idle: string;
      pool_mode: string;
    }>('SHOW POOLS');
    const pool = pools.find((p) => p.database === bouncer.database);
    expect(pool?.pool_mode).toBe('transaction');
    expect(Number(pool!.cl_active) + Number(pool!.cl_waiting)).toBeGreaterThan(0);
    expect(Number(pool!.sv_active) + Number(pool!.sv_idle)).toBeGreaterThan(0);
  });
});
