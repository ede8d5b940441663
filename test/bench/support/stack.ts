/**
 * Throwaway PostgreSQL + Redis and real API / worker processes for benchmark
 * scenarios. Everything is registered with a Scope, so it is stopped (and its
 * temp dir removed) when the scenario ends, even on failure.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  findFreePort,
  type ServiceHandle,
  startPostgres,
  startRedis,
} from '@sluice/local-services';
import prepareDatabase from '../../harness/prepare-database.ts';
import { issueTestKey, useApiKey } from '../../support/api-keys.ts';
import { workerProfileOptions } from './cpu-profile.ts';
import type { Scope } from './scope.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The V8 flags apps/local/src/main.ts (./dev start) and the image run the API with. */
const LAUNCHER_NODE_OPTIONS = '--max-semi-space-size=16 --max-old-space-size=256';

/**
 * ... and workers with: no process-wide semi-space size, which would override
 * the threads' own young generation (THREAD_YOUNG_GENERATION_MB).
 */
const LAUNCHER_WORKER_NODE_OPTIONS = '--max-old-space-size=256';

/**
 * glibc's allocator settings apps/local/src/main.ts (./dev start) and the
 * image run API and workers with (why: .env.example); the environment's own win.
 */
export const LAUNCHER_MALLOC_ENV = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '131072',
};

/** WORKER_THREADS as ./dev start leaves it: the worker's default, one per core. */
export const LAUNCHER_WORKER_THREADS = availableParallelism();

/**
 * API and workers log at `warn` in benchmarks (no per-request log line);
 * BENCH_LOG_LEVEL=info measures them with production logging (to /dev/null).
 */
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'warn';

export const say = (line: string) => process.stderr.write(`[bench] ${line}\n`);

export interface Services {
  /** The scenario's temp dir (the servers' data lives below it). */
  dir: string;
  postgres: ServiceHandle;
  redis: ServiceHandle;
  /** DATABASE_URL + REDIS_URL for app processes. */
  env: { DATABASE_URL: string; REDIS_URL: string };
}

/**
 * PostgreSQL (fsync off: throwaway data, the same server for Sluice and the
 * reference) and Redis (AOF, noeviction, as Sluice needs it) in a temp dir,
 * migrations applied.
 */
export async function startServices(scope: Scope, name: string): Promise<Services> {
  const dir = scope.tempDir(name);
  const postgres = await startPostgres({ dataDir: join(dir, 'pg'), durable: false });
  scope.defer(() => postgres.stop());
  const redis = await startRedis({ dataDir: join(dir, 'redis') });
  scope.defer(() => redis.stop());
  await prepareDatabase(postgres.url);
  return {
    dir,
    postgres,
    redis,
    env: { DATABASE_URL: postgres.url, REDIS_URL: redis.url },
  };
}

/** Peak resident set size (VmHWM) of a live process, in MiB (Linux). */
function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
  return Math.round(kb / 1024);
}

export interface App {
  readonly name: string;
  readonly pid: number;
  /** False once it has exited. */
  readonly running: boolean;
  /** The last ~64 KiB it printed. */
  output(): string;
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void>;
  /** Peak RSS so far (read it before stop()). */
  peakRssMb(): number;
  /** SIGTERM, SIGKILL after 30 s; resolves on exit. Idempotent. */
  stop(): Promise<void>;
  /** kill -9 (a crash: nothing of it runs any more); resolves on exit. */
  kill(): Promise<void>;
}

/**
 * App processes still running, killed if the bench process exits without
 * stopping them: one exit hook for all (scale-out runs a dozen at once, over
 * Node's warning threshold of ten listeners).
 */
const alive = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of alive) child.kill('SIGKILL');
});

/**
 * Runs a .ts entry (relative to the repository root) with this Node and the
 * launcher's NODE_OPTIONS (unless NODE_OPTIONS is set) and malloc settings
 * (unless set), stopped with the scope.
 */
export function spawnApp(
  scope: Scope,
  name: string,
  entry: string,
  env: Record<string, string>,
): App {
  const child = spawn(process.execPath, [join(ROOT, entry)], {
    cwd: ROOT,
    env: {
      ...LAUNCHER_MALLOC_ENV,
      ...process.env,
      NODE_OPTIONS: process.env.NODE_OPTIONS || LAUNCHER_NODE_OPTIONS,
      LOG_LEVEL,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${name}`);
  let text = '';
  const listeners = new Set<() => void>();
  const collect = (data: Buffer) => {
    text += data.toString();
    if (text.length > 128 * 1024) text = text.slice(-64 * 1024);
    for (const l of listeners) l();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let stopping = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  alive.add(child);
  child.once('close', (code, signal) => {
    alive.delete(child);
    if (!stopping)
      say(`${name} exited by itself (${signal ?? `code ${code}`}):\n${text.slice(-4000)}`);
  });
  const app: App = {
    name,
    pid,
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
    output: () => text,
    waitForOutput: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const done = (error?: Error) => {
          clearTimeout(timer);
          listeners.delete(check);
          child.removeListener('exit', onExit);
          if (error) reject(error);
          else resolve();
        };
        const check = () => {
          if (pattern.test(text)) done();
        };
        const onExit = () => done(new Error(`${name} exited before printing ${pattern}`));
        const timer = setTimeout(
          () => done(new Error(`${name} did not print ${pattern} in ${timeoutMs} ms:\n${text}`)),
          timeoutMs,
        );
        listeners.add(check);
        child.once('exit', onExit);
        check();
      }),
    peakRssMb: () => peakRssMb(pid),
    async stop() {
      if (!app.running) return;
      stopping = true;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (!app.running) return;
      stopping = true;
      child.kill('SIGKILL');
      await exited;
    },
  };
  scope.defer(() => app.stop());
  return app;
}

/** Polls `url` until it answers 2xx (or `app` dies, or 30 s pass). */
export async function waitForHttp(url: string, app: App, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (!app.running || Date.now() > deadline)
      throw new Error(`${app.name} did not answer ${url}:\n${app.output().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Api {
  url: string;
  app: App;
}

/** The Sluice API on a free port, ready (/health/ready) when this resolves. */
export async function startApi(
  scope: Scope,
  services: Services,
  env: Record<string, string> = {},
): Promise<Api> {
  const port = await findFreePort();
  const app = spawnApp(scope, 'api', 'apps/api/src/main.ts', {
    ...services.env,
    PORT: String(port),
    // One client uploads and polls: no budget may shape the figures.
    RATE_LIMIT_SUBMISSIONS_PER_MINUTE: '0',
    RATE_LIMIT_READS_PER_MINUTE: '0',
    // `--profile` profiles the API too (where a submission's time goes).
    ...workerProfileOptions(process.env.NODE_OPTIONS || LAUNCHER_NODE_OPTIONS, 'api'),
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/health/ready`, app);
  useApiKey(url, (await issueTestKey(services.env.DATABASE_URL!, 'bench')).key);
  return { url, app };
}

/** A Sluice worker process, consuming when this resolves. */
export async function startWorker(
  scope: Scope,
  services: Services,
  name: string,
  env: Record<string, string> = {},
): Promise<App> {
  // Its one info line at start says it is consuming; chunks log at debug only.
  const app = spawnApp(scope, name, 'apps/worker/src/main.ts', {
    ...services.env,
    WORKER_ID: name,
    LOG_LEVEL: 'info',
    NODE_OPTIONS: process.env.NODE_OPTIONS || LAUNCHER_WORKER_NODE_OPTIONS,
    ...workerProfileOptions(process.env.NODE_OPTIONS || LAUNCHER_WORKER_NODE_OPTIONS, name),
    ...env,
  });
  await app.waitForOutput(/sluice worker ready/, 30_000);
  return app;
}
