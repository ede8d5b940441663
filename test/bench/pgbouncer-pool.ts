/**
 * pgbouncer-pool: many concurrent clients (default 1,000) through a real
 * PgBouncer in transaction mode onto at most 20 server connections, each
 * running short transactions shaped like Sluice's status read (BEGIN; the
 * job-with-progress SELECT of @sluice/db getJob; COMMIT) in a closed loop
 * for a fixed time. Reference: the same clients sharing 20 direct
 * PostgreSQL connections through one node-postgres Pool (what the API does
 * without PgBouncer), same database, same seconds.
 *
 * Client wait is measured at the client, the same way on both sides: from
 * wanting a transaction to its BEGIN answered (PgBouncer: a server
 * connection assigned, then BEGIN's round trip; reference: Pool.connect()'s
 * queue, then BEGIN's round trip). PgBouncer's own view is reported beside
 * it: the largest SHOW POOLS maxwait sampled, and SHOW STATS' average wait
 * per transaction over the window. Both sides report the client process'
 * CPU seconds: one Node process drives all clients, so the generator's own
 * cost is visible (1,000 sockets cost more than 20).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPgBouncer } from '@sluice/local-services';
import pg from 'pg';
import { seededRandom } from './support/arrivals.ts';
import { percentile } from './support/load-stats.ts';
import { smallCsv } from './support/mixed-traffic.ts';
import { treeCpuSeconds } from './support/proc-cpu.ts';
import { compare, prefixed, round, type ScenarioResult, type Skipped } from './support/result.ts';
import { withScope } from './support/scope.ts';
import { say, startApi, startServices } from './support/stack.ts';

type Mode = 'saturated' | 'paced';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The server connections PgBouncer may open (default_pool_size): the plan's 20. */
const SERVER_CONNECTIONS = 20;
/** Jobs the status reads pick from. */
const SEEDED_JOBS = 50;

/** @sluice/db getJob's statement (packages/db/src/job-views.ts), as SQL. */
const STATUS_READ = `
select j.*, p.chunks_done, p.records_done, p.accepted, p.rejected, p.blank, p.errors
  from jobs as j
  left join lateral (
    select count(*)::int as chunks_done,
           coalesce(sum(c.record_count), 0)::bigint as records_done,
           coalesce(sum(c.rows_accepted), 0)::bigint as accepted,
           coalesce(sum(c.rows_rejected), 0)::bigint as rejected,
           coalesce(sum(c.rows_blank), 0)::bigint as blank,
           coalesce(sum(c.errors_total), 0)::bigint as errors
      from job_chunks as c
     where c.job_id = j.id and c.status = 'done'
  ) as p on true
 where j.id = $1 and j.tenant_id = $2 and j.status <> 'receiving'`;

interface Job {
  id: string;
  tenant_id: string;
}

/** A connection to run one transaction on, and how to give it back. */
type Acquire = () => Promise<{ client: pg.ClientBase; release: () => void }>;

interface SideFigures {
  transactions: number;
  transactionsPerSecond: number;
  errors: number;
  clientWaitP50Ms: number;
  clientWaitP95Ms: number;
  clientWaitP99Ms: number;
  transactionP95Ms: number;
  clientCpuSeconds: number;
}

/**
 * `clients` loops of status-read transactions until `seconds` pass, each
 * pausing a random 0.5-1.5 × `thinkMs` between transactions (0: none, the
 * pool's worst case; the random pause keeps clients from moving in step)
 * and starting at a random point of the first pause.
 */
async function drive(
  acquire: (client: number) => Acquire,
  clients: number,
  jobs: Job[],
  seconds: number,
  thinkMs: number,
): Promise<SideFigures> {
  const random = seededRandom(7);
  const waits: number[] = [];
  const totals: number[] = [];
  let errors = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const deadline = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, n) => {
      const get = acquire(n);
      // Paced clients arrive spread over one pause, not all in the first millisecond.
      if (thinkMs > 0) await sleep(thinkMs * random());
      for (let i = n; performance.now() < deadline; i += clients) {
        const job = jobs[i % jobs.length]!;
        const t0 = performance.now();
        let connection: Awaited<ReturnType<Acquire>> | undefined;
        try {
          connection = await get();
          await connection.client.query('begin');
          const waited = performance.now() - t0;
          const { rowCount } = await connection.client.query(STATUS_READ, [job.id, job.tenant_id]);
          await connection.client.query('commit');
          if (rowCount !== 1) throw new Error(`status read of ${job.id}: ${rowCount} rows`);
          waits.push(waited);
          totals.push(performance.now() - t0);
        } catch {
          errors += 1;
          await connection?.client.query('rollback').catch(() => {});
        } finally {
          connection?.release();
        }
        if (thinkMs > 0) await sleep(thinkMs * (0.5 + random()));
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  waits.sort((a, b) => a - b);
  totals.sort((a, b) => a - b);
  return {
    transactions: totals.length,
    transactionsPerSecond: Math.round(totals.length / elapsed),
    errors,
    clientWaitP50Ms: round(percentile(waits, 50), 1),
    clientWaitP95Ms: round(percentile(waits, 95), 1),
    clientWaitP99Ms: round(percentile(waits, 99), 1),
    transactionP95Ms: round(percentile(totals, 95), 1),
    clientCpuSeconds: round((used.user + used.system) / 1e6, 2),
  };
}

/** PgBouncer's admin console, sampled while the clients run. */
async function watchPgBouncer(adminUrl: string, intervalMs: number) {
  const admin = new pg.Client({ connectionString: adminUrl });
  admin.on('error', () => {});
  await admin.connect();
  const stats = async () => {
    // SHOW STATS has a row per database; ours is the only one with traffic.
    const { rows } = await admin.query<Record<string, string>>('SHOW STATS');
    return rows.reduce(
      (sum, r) => ({
        xacts: sum.xacts + Number(r.total_xact_count),
        waitUs: sum.waitUs + Number(r.total_wait_time),
      }),
      { xacts: 0, waitUs: 0 },
    );
  };
  const before = await stats();
  let maxWaitMs = 0;
  let maxServers = 0;
  let maxWaitingClients = 0;
  const sample = async () => {
    const { rows } = await admin.query<Record<string, string>>('SHOW POOLS');
    for (const r of rows) {
      if (r.database === 'pgbouncer') continue;
      maxWaitMs = Math.max(maxWaitMs, Number(r.maxwait) * 1000 + Number(r.maxwait_us) / 1000);
      maxWaitingClients = Math.max(maxWaitingClients, Number(r.cl_waiting));
      const servers = ['sv_active', 'sv_idle', 'sv_used', 'sv_tested', 'sv_login'].reduce(
        (n, k) => n + Number(r[k] ?? 0),
        0,
      );
      maxServers = Math.max(maxServers, servers);
    }
  };
  let running = sample();
  const timer = setInterval(() => {
    running = running.then(sample, sample);
  }, intervalMs);
  return async () => {
    clearInterval(timer);
    await running.catch(() => {});
    const after = await stats();
    await admin.end().catch(() => {});
    const xacts = after.xacts - before.xacts;
    return {
      maxwaitSampledMaxMs: round(maxWaitMs, 1),
      statsAvgWaitPerTransactionMs: xacts
        ? round((after.waitUs - before.waitUs) / xacts / 1000, 2)
        : 0,
      serverConnectionsMax: maxServers,
      waitingClientsMax: maxWaitingClients,
    };
  };
}

/** Opens `count` clients to `url`, a few at a time (PgBouncer's listen backlog). */
async function connectAll(url: string, count: number): Promise<pg.Client[]> {
  const clients: pg.Client[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = Array.from({ length: Math.min(50, count - i) }, () => {
      const client = new pg.Client({ connectionString: url, application_name: 'bench-pool' });
      // An unheard 'error' would crash the bench; failed queries count as errors.
      client.on('error', () => {});
      return client;
    });
    clients.push(...batch);
    await Promise.all(batch.map((c) => c.connect()));
  }
  return clients;
}

/**
 * The soft limit on open files this process runs with (PgBouncer, started
 * from it, inherits it): each client is a socket on both sides.
 */
function openFilesLimit(): number {
  const line = /^Max open files\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  return line?.[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(line?.[1] ?? 1024);
}

export function pgbouncerPool(
  clients: number,
  seconds: number,
  thinkMs: number,
): Promise<ScenarioResult | Skipped> {
  // The clients' sockets, PgBouncer's server connections, and room for the rest.
  const needed = clients + SERVER_CONNECTIONS + 200;
  if (openFilesLimit() < needed) {
    return Promise.resolve({
      scenario: 'pgbouncer-pool',
      skipped: `${clients} clients need about ${needed} open files; this shell allows ${openFilesLimit()} (raise it with ulimit -n)`,
    });
  }
  return withScope(async (scope) => {
    const services = await startServices(scope, 'pgbouncer-pool');
    // Real jobs to read: small submissions through the API (no worker: they stay queued).
    const api = await startApi(scope, services);
    for (let i = 0; i < SEEDED_JOBS; i++) {
      const res = await fetch(`${api.url}/v1/jobs?filename=seed.csv`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: smallCsv(i),
      });
      if (res.status !== 202) throw new Error(`seed upload: ${res.status} ${await res.text()}`);
    }
    await api.app.stop();
    const seed = new pg.Client({ connectionString: services.postgres.url });
    await seed.connect();
    const { rows: jobs } = await seed.query<Job>(
      `select id, tenant_id from jobs where status <> 'receiving' order by id`,
    );
    await seed.end();

    const pgbouncer = await startPgBouncer({
      dataDir: join(services.dir, 'pgbouncer'),
      upstreamUrl: services.postgres.url,
      poolMode: 'transaction',
      maxClientConn: clients + 20,
      defaultPoolSize: SERVER_CONNECTIONS,
    });
    scope.defer(() => pgbouncer.stop());
    const adminUrl = Object.assign(new URL(pgbouncer.url), { pathname: '/pgbouncer' }).href;

    say(`pgbouncer-pool: connecting ${clients} clients to PgBouncer`);
    const bounced = await connectAll(pgbouncer.url, clients);
    scope.defer(() => Promise.all(bounced.map((c) => c.end().catch(() => {}))));
    const viaPgBouncer = (n: number): Acquire => {
      const client = bounced[n]!;
      return async () => ({ client, release: () => {} });
    };
    const pool = new pg.Pool({
      connectionString: services.postgres.url,
      max: SERVER_CONNECTIONS,
      application_name: 'bench-pool-direct',
    });
    pool.on('error', () => {});
    scope.defer(() => pool.end());
    const direct = (): Acquire => async () => {
      const client = await pool.connect();
      return { client, release: () => client.release() };
    };

    say('pgbouncer-pool: warm-up, 2 s each');
    await drive(viaPgBouncer, clients, jobs, 2, 0);
    await drive(direct, clients, jobs, 2, 0);

    // Saturated (no pause: every client always wants a connection) and paced
    // (each client pauses about thinkMs between transactions).
    const figures: Record<string, unknown> = {};
    const sides = {} as Record<Mode, { pgbouncer: SideFigures; direct: SideFigures }>;
    for (const [mode, pause] of [
      ['saturated', 0],
      ['paced', thinkMs],
    ] as Array<[Mode, number]>) {
      say(`pgbouncer-pool: ${mode}: ${clients} clients through PgBouncer, ${seconds} s`);
      const stopWatching = await watchPgBouncer(adminUrl, 250);
      const cpuBefore = treeCpuSeconds(pgbouncer.pid!);
      const postgresBefore = treeCpuSeconds(services.postgres.pid!);
      const bouncedFigures = await drive(viaPgBouncer, clients, jobs, seconds, pause);
      const cpuSeconds = round(treeCpuSeconds(pgbouncer.pid!) - cpuBefore, 2);
      const postgresCpuSeconds = round(treeCpuSeconds(services.postgres.pid!) - postgresBefore, 2);
      const admin = await stopWatching();
      say(`pgbouncer-pool: ${mode}: the same on ${SERVER_CONNECTIONS} direct connections`);
      const directBefore = treeCpuSeconds(services.postgres.pid!);
      const directFigures = await drive(direct, clients, jobs, seconds, pause);
      const directPostgresCpuSeconds = round(
        treeCpuSeconds(services.postgres.pid!) - directBefore,
        2,
      );
      sides[mode] = { pgbouncer: bouncedFigures, direct: directFigures };
      Object.assign(
        figures,
        prefixed(`${mode}.pgbouncer`, { ...bouncedFigures, cpuSeconds, postgresCpuSeconds }),
        prefixed(`${mode}.pgbouncer.admin`, admin),
        prefixed(`${mode}.direct`, {
          ...directFigures,
          postgresCpuSeconds: directPostgresCpuSeconds,
        }),
      );
    }
    const { saturated, paced } = sides;

    return {
      scenario: 'pgbouncer-pool',
      comparisons: [
        compare(
          `transactions/s, ${clients} clients, saturated`,
          saturated.pgbouncer.transactionsPerSecond,
          saturated.direct.transactionsPerSecond,
        ),
        compare(
          'client wait p95 ms, saturated (measured at the client)',
          saturated.pgbouncer.clientWaitP95Ms,
          saturated.direct.clientWaitP95Ms,
        ),
        compare(
          `transactions/s, ${clients} clients, paced (~${thinkMs} ms pause)`,
          paced.pgbouncer.transactionsPerSecond,
          paced.direct.transactionsPerSecond,
        ),
        compare(
          'client wait p95 ms, paced (measured at the client)',
          paced.pgbouncer.clientWaitP95Ms,
          paced.direct.clientWaitP95Ms,
        ),
      ],
      clients,
      serverConnections: SERVER_CONNECTIONS,
      seconds,
      thinkMs,
      seededJobs: jobs.length,
      ...figures,
      reference: `the same ${clients} clients sharing one node-postgres Pool of ${SERVER_CONNECTIONS} direct connections`,
    };
  });
}
