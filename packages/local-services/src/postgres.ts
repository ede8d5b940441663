import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { ServerProcess, waitUntilReady } from './child.ts';
import type { ServiceHandle } from './handle.ts';
import { findFreePort, waitForPortFree } from './ports.ts';

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

/** PostgreSQL refuses to run as root; as root we run it as the `postgres` account. */
function serverAccount(): { uid: number; gid: number } | undefined {
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

function prepareDataDir(
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
      {
        ...account,
        cwd: '/',
        stdio: 'pipe',
      },
    );
  try {
    run(['--locale=C.UTF-8']);
  } catch {
    // Older distributions lack the C.UTF-8 locale; the server's own C locale still stores UTF-8.
    try {
      run(['--no-locale']);
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
      throw new Error(`initdb failed for ${dataDir}:\n${stderr}`);
    }
  }
}

async function connects(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return true;
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
 * Runs a PostgreSQL server as a child process on loopback (TCP only: no Unix
 * socket folder to own), initializing the data folder on first use.
 */
export async function startPostgres(options: PostgresOptions): Promise<ServiceHandle> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await findFreePort(host));
  const user = options.user ?? 'sluice';
  const database = options.database ?? 'sluice';
  const binDir = options.binDir ?? findPostgresBinDir();
  const account = serverAccount();
  prepareDataDir(
    options.dataDir,
    account,
    options.log ?? ((line) => process.stderr.write(`[local-services] ${line}\n`)),
  );
  if (!existsSync(join(options.dataDir, 'PG_VERSION')))
    initdb(binDir, options.dataDir, user, account);

  const args = [
    '-D',
    options.dataDir,
    '-p',
    String(port),
    '-c',
    `listen_addresses=${host}`,
    '-c',
    'unix_socket_directories=',
    '-c',
    'max_connections=200',
    ...(options.durable === false
      ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
      : []),
  ];
  const adminUrl = `postgres://${user}@${host}:${port}/postgres`;
  let proc: ServerProcess;
  const launch = async () => {
    proc = new ServerProcess(
      `PostgreSQL on ${host}:${port}`,
      join(binDir, 'postgres'),
      args,
      { ...account, cwd: '/' },
      options.log,
    );
    await waitUntilReady(proc, () => connects(adminUrl));
  };
  await launch();
  await ensureDatabase(adminUrl, database);
  return {
    url: `postgres://${user}@${host}:${port}/${database}`,
    port,
    get pid() {
      return proc.child.pid;
    },
    // SIGINT = PostgreSQL's "fast" shutdown: disconnects clients, checkpoints.
    stop: () => proc.stop('SIGINT', 15_000),
    kill: (signal = 'SIGKILL') => proc.stop(signal, 10_000),
    restart: async () => {
      await proc.stop('SIGINT', 15_000);
      await waitForPortFree(port, host);
      await launch();
    },
  };
}
