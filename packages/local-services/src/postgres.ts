import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { ServerProcess, waitUntilReady } from './child.ts';
import type { ServiceHandle } from './handle.ts';
import { launchOnPort, waitForPortFree } from './ports.ts';
import { childPids, isRunning } from './process-tree.ts';

export interface PostgresOptions {
  dataDir: string;
  port?: number | undefined;
  host?: string;
  database?: string;
  user?: string;
  /** false: fsync and friends off. Only for throwaway test data. */
  durable?: boolean;
  /** Folder with initdb and postgres; default $SLUICE_PG_BIN or the newest /usr/lib/postgresql/N/bin. */
  binDir?: string;
  log?: (line: string) => void;
}

export function findPostgresBinDir(): string {
  const fromEnv = process.env.SLUICE_PG_BIN;
  if (fromEnv) return fromEnv;
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(join(base, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions[0]) {
    throw new Error(
      "PostgreSQL server binaries not found (set SLUICE_PG_BIN, or run ./dev which installs Debian's postgresql)",
    );
  }
  return join(base, versions[0], 'bin');
}

/**
 * PostgreSQL (and PgBouncer) refuse to run as root; as root we run them as the
 * `postgres` account.
 */
export function serverAccount(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    return { uid, gid };
  } catch {
    throw new Error(
      'running as root needs a `postgres` system account to run PostgreSQL as (./dev creates it)',
    );
  }
}

/** Creates `dataDir` (0700) and, as root, hands it to the server account. */
export function prepareDataDir(
  dataDir: string,
  account: { uid: number; gid: number } | undefined,
  log: (line: string) => void,
): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (!account) return;
  // The server account must reach the folder: every ancestor needs the
  // execute (traverse) bit for others. Only that bit is added, never read.
  for (let dir = dirname(resolve(dataDir)); ; dir = dirname(dir)) {
    const mode = statSync(dir).mode & 0o777;
    if ((mode & 0o001) === 0) {
      chmodSync(dir, mode | 0o001);
      log(`made ${dir} traversable (o+x) so the postgres account can reach its data folder`);
    }
    if (dir === dirname(dir)) break;
  }
  if (statSync(dataDir).uid !== account.uid) chownSync(dataDir, account.uid, account.gid);
  chmodSync(dataDir, 0o700);
}

function initdb(
  binDir: string,
  dataDir: string,
  user: string,
  account: { uid: number; gid: number } | undefined,
) {
  const run = (locale: string[]) =>
    execFileSync(
      join(binDir, 'initdb'),
      ['-D', dataDir, '-U', user, '--auth=trust', '--encoding=UTF8', ...locale],
      // cwd '/': the postgres account may not be allowed into our cwd.
      { ...account, cwd: '/', stdio: 'pipe', timeout: 120_000 },
    );
  const stderrOf = (error: unknown) =>
    (error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message;
  try {
    run(['--locale=C.UTF-8']);
  } catch (first) {
    // Older distributions lack the C.UTF-8 locale; the server's own C locale
    // still stores UTF-8. initdb removes what it wrote when it fails.
    try {
      run(['--no-locale']);
    } catch (second) {
      throw new Error(
        `initdb failed for ${dataDir}:\n${stderrOf(second)}\n(with --locale=C.UTF-8: ${stderrOf(first)})`,
      );
    }
  }
}

/**
 * Connects and checks the server runs on `dataDir`: a server that someone else
 * started on the same port must not count as "ours is ready". While ours is
 * still starting up (or recovering after a crash) connecting fails, and we ask
 * again.
 */
async function isOurPostgres(url: string, dataDir: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ dir: string }>(
      "select current_setting('data_directory') as dir",
    );
    return rows[0]?.dir === dataDir;
  } finally {
    await client.end().catch(() => {});
  }
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [
      database,
    ]);
    if (!rowCount) await client.query(`create database "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

/**
 * kill -9 of the whole server, like a crash of its machine or container.
 * Killing only the postmaster would leave a busy backend running (it finishes
 * its statement, and even answers it) and holding the shared memory, so the
 * next start would refuse: "pre-existing shared memory block is still in use".
 * SIGSTOP first, so the postmaster forks no new child while we list them, and
 * children die first, so none of their pids can be reused before we signal it.
 */
async function crash(proc: ServerProcess): Promise<void> {
  const pid = proc.child.pid;
  if (pid === undefined || !proc.running) return proc.whenExited();
  process.kill(pid, 'SIGSTOP');
  const children = childPids(pid);
  for (const child of children) {
    try {
      process.kill(child, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await proc.stop('SIGKILL');
  const deadline = Date.now() + 5_000;
  while (children.some(isRunning) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Runs a PostgreSQL server as a child process on loopback (TCP only: no Unix
 * socket folder to own), initializing the data folder on first use.
 */
export async function startPostgres(options: PostgresOptions): Promise<ServiceHandle> {
  const host = options.host ?? '127.0.0.1';
  const user = options.user ?? 'sluice';
  const database = options.database ?? 'sluice';
  // Absolute: the server runs with cwd '/', where a relative path means something else.
  const dataDir = resolve(options.dataDir);
  const binDir = options.binDir ?? findPostgresBinDir();
  const account = serverAccount();
  prepareDataDir(
    dataDir,
    account,
    options.log ?? ((line) => process.stderr.write(`[local-services] ${line}\n`)),
  );
  if (!existsSync(join(dataDir, 'PG_VERSION'))) initdb(binDir, dataDir, user, account);

  let proc: ServerProcess | undefined;
  const launch = async (port: number) => {
    const args = [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-c',
      `listen_addresses=${host}`,
      // TCP only: no socket folder whose ownership and permissions could bite.
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
      // Throwaway test data: skip the disk flushes that make crashes safe.
      ...(options.durable === false
        ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
        : []),
    ];
    proc = new ServerProcess(
      `PostgreSQL on ${host}:${port}`,
      join(binDir, 'postgres'),
      args,
      { ...account, cwd: '/' },
      options.log,
    );
    await waitUntilReady(proc, () =>
      isOurPostgres(`postgres://${user}@${host}:${port}/postgres`, dataDir),
    );
  };
  const port = await launchOnPort(options.port, host, launch);
  const current = () => proc!;
  try {
    await ensureDatabase(`postgres://${user}@${host}:${port}/postgres`, database);
  } catch (error) {
    await current().stop('SIGINT', 15_000);
    throw error;
  }
  return {
    url: `postgres://${user}@${host}:${port}/${database}`,
    port,
    get pid() {
      return current().child.pid;
    },
    // SIGINT = PostgreSQL's "fast" shutdown: disconnects clients, checkpoints.
    stop: () => current().stop('SIGINT', 15_000),
    kill: (signal = 'SIGKILL') =>
      signal === 'SIGKILL' ? crash(current()) : current().stop(signal, 10_000),
    restart: async () => {
      await current().stop('SIGINT', 15_000);
      await waitForPortFree(port, host);
      // After a crash the new server runs recovery by itself. If only the
      // postmaster was killed (kill -9 <pid> from outside), its backends exit
      // once they notice, a busy one after its statement; until then the
      // server refuses to start on their shared memory, so try again a while.
      for (let attempt = 1; ; attempt++) {
        try {
          return await launch(port);
        } catch (error) {
          const inUse = /shared memory block .* is still in use/.test((error as Error).message);
          if (!inUse || attempt >= 60) throw error;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    },
  };
}
