import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createDatabase, migrateToLatest } from '@sluice/db';
import { startPostgres, startRedis } from '@sluice/local-services';
import { localApiKey } from './local-api-key.ts';
import { createSupervisor } from './supervisor.ts';

/**
 * `./dev start`: Sluice on its embedded default. PostgreSQL and Redis run as
 * child processes with data under .sluice/ (kept between runs), migrations are
 * applied, then the API and one worker process start. Ctrl-C, or SIGINT or
 * SIGTERM to this process (./dev execs it), stops it all, even mid-start.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const dataDir = process.env.SLUICE_DATA_DIR ?? `${root}.sluice`;
const apiPort = process.env.PORT ?? '8080';
const optionalPort = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);

const say = (line: string) => process.stdout.write(`[sluice] ${line}\n`);
// First: a signal from here on stops whatever has been started.
const apps = createSupervisor({ say });

mkdirSync(dataDir, { recursive: true });
say(`data folder: ${dataDir}`);
const postgres = await apps.startService(
  startPostgres({ dataDir: `${dataDir}/postgres`, port: optionalPort('SLUICE_PG_PORT') }),
);
say(`PostgreSQL: ${postgres.url}`);
const redis = await apps.startService(
  startRedis({ dataDir: `${dataDir}/redis`, port: optionalPort('SLUICE_REDIS_PORT') }),
);
say(`Redis: ${redis.url}`);

let apiKey = '';
const database = createDatabase({
  url: postgres.url,
  poolSize: 1,
  applicationName: 'sluice-migrate',
});
try {
  const applied = await apps.during(migrateToLatest(database.db));
  say(
    applied.length
      ? `migrations applied: ${applied.map((m) => m.migrationName).join(', ')}`
      : 'schema up to date',
  );
  apiKey = await apps.during(localApiKey(database.db, dataDir));
} finally {
  await database.close();
}

// The queue dashboard (/admin/queues) is on by default here: user `admin`
// and, unless ADMIN_PASSWORD is set, a password made up for this run.
const adminUser = process.env.ADMIN_USER || 'admin';
const generatedPassword = process.env.ADMIN_PASSWORD
  ? undefined
  : randomBytes(15).toString('base64url');
// WORKER_THREADS is left to the worker's default: one thread per core, each
// at WORKER_THREAD_NICE below the API, so an idle API leaves every core to
// the chunks and a busy one still gets the CPU first.
const env = {
  // glibc's allocator, read once at process start (so set here, not in the
  // app): two arenas instead of one per thread (8 x cores), and buffers of
  // 128 KiB or more (a chunk's input and output) mapped and unmapped on
  // their own instead of being carved from those arenas. Without it the
  // worker's malloc heaps kept growing with every chunk of a job
  // (fragmentation, not live data: docs/benchmarks.md, memory).
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '131072',
  ...process.env,
  // A bounded V8 young generation keeps the API's memory flat under large
  // uploads (docs: README, Memory); 16 MB, not 4: scavenges (.env.example).
  // Not the worker's (below). Set and non-empty, the caller's own wins.
  NODE_OPTIONS: process.env.NODE_OPTIONS || '--max-semi-space-size=16 --max-old-space-size=256',
  DATABASE_URL: postgres.url,
  REDIS_URL: redis.url,
  PORT: apiPort,
  ADMIN_USER: adminUser,
  ADMIN_PASSWORD: process.env.ADMIN_PASSWORD || generatedPassword,
};

/** True when nothing listens on 127.0.0.1:port right now. */
const portIsFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
// The one worker serves /metrics on METRICS_PORT (default 9464, Prometheus'
// convention for it); left off when that port is taken.
const workerMetricsPort =
  process.env.METRICS_PORT ?? ((await apps.during(portIsFree(9464))) ? '9464' : undefined);

const entry = (path: string) => fileURLToPath(new URL(path, import.meta.url));
apps.start('api', entry('../../api/src/main.ts'), env);
apps.start('worker', entry('../../worker/src/main.ts'), {
  ...env,
  // A process-wide semi-space size would override the threads' own young
  // generation (THREAD_YOUNG_GENERATION_MB), promoting every chunk's strings.
  NODE_OPTIONS: process.env.NODE_OPTIONS || '--max-old-space-size=256',
  ...(workerMetricsPort ? { METRICS_PORT: workerMetricsPort } : {}),
});

const apiUrl = `http://127.0.0.1:${apiPort}`;
for (let waited = 0; !apps.isStopping(); waited += 200) {
  const ready = await apps.during(
    fetch(`${apiUrl}/health/ready`).then(
      (r) => r.ok,
      () => false,
    ),
  );
  if (ready) break;
  if (waited > 30_000) {
    say('the API did not become ready within 30 s; stopping');
    await apps.stop(1);
  }
  await apps.during(new Promise((r) => setTimeout(r, 200)));
}
say(`Sluice is up: ${apiUrl}  (Ctrl-C stops everything)`);
say(`web app: ${apiUrl}/  (sign in with the API key below)`);
say(
  `queue dashboard: ${apiUrl}/admin/queues  (user ${adminUser}, password ${
    generatedPassword ?? 'from ADMIN_PASSWORD'
  }${generatedPassword ? '; generated for this run, set ADMIN_PASSWORD to choose one' : ''})`,
);
say(
  workerMetricsPort
    ? `metrics: ${apiUrl}/metrics (API), http://127.0.0.1:${workerMetricsPort}/metrics (worker)`
    : `metrics: ${apiUrl}/metrics (API); worker metrics off (port 9464 busy: set METRICS_PORT)`,
);
say(`API key: ${apiKey}  (tenant local, every scope; kept in ${dataDir}/api-key)`);
say(
  `try: curl -H 'authorization: Bearer ${apiKey}' --data-binary @contacts.csv -H 'content-type: text/csv' http://127.0.0.1:${apiPort}/v1/jobs`,
);
