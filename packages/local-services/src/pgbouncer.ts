import { chownSync, existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { ServerProcess, waitUntilReady } from './child.ts';
import { type ServiceHandle, signalStoppedHandle } from './handle.ts';
import { launchOnPort } from './ports.ts';
import { prepareDataDir, serverAccount } from './postgres.ts';

export interface PgBouncerOptions {
  /** Holds pgbouncer.ini and userlist.txt (rewritten on every start). */
  dataDir: string;
  /** The PostgreSQL to pool, `postgres://user[:password]@host:port/db`. */
  upstreamUrl: string;
  port?: number | undefined;
  host?: string;
  /** Only transaction pooling for now: the mode Sluice must work through. */
  poolMode: 'transaction';
  /** Client connections PgBouncer accepts (default 500). */
  maxClientConn?: number;
  /** Server connections per database/user pair (default 20). */
  defaultPoolSize?: number;
  /** Path of the pgbouncer binary; default $SLUICE_PGBOUNCER, /usr/sbin/pgbouncer or PATH. */
  binary?: string;
  log?: (line: string) => void;
}

function findPgBouncer(): string {
  const fromEnv = process.env.SLUICE_PGBOUNCER;
  if (fromEnv) return fromEnv;
  // Debian installs it in /usr/sbin, which is not on every user's PATH.
  return existsSync('/usr/sbin/pgbouncer') ? '/usr/sbin/pgbouncer' : 'pgbouncer';
}

/** userlist.txt quotes names and passwords with "", doubling any " inside. */
const quoted = (value: string) => `"${value.replace(/"/g, '""')}"`;

function writeConfig(
  dataDir: string,
  port: number,
  host: string,
  upstream: URL,
  options: PgBouncerOptions,
): string {
  const user = decodeURIComponent(upstream.username) || 'postgres';
  const password = decodeURIComponent(upstream.password);
  const database = decodeURIComponent(upstream.pathname.slice(1)) || user;
  const server = [
    `host=${upstream.hostname.replace(/^\[|\]$/g, '')}`,
    `port=${upstream.port || '5432'}`,
    ...(password ? [`password=${password}`] : []),
  ].join(' ');
  const ini = join(dataDir, 'pgbouncer.ini');
  const userlist = join(dataDir, 'userlist.txt');
  writeFileSync(
    ini,
    [
      '; Written by @sluice/local-services on every start: edits are lost.',
      '[databases]',
      // The upstream's database by name, and any other one (e.g. `postgres`)
      // by the same name on the same server.
      `${database} = ${server} dbname=${database}`,
      `* = ${server}`,
      '',
      '[pgbouncer]',
      `listen_addr = ${host}`,
      `listen_port = ${port}`,
      // TCP only, like our PostgreSQL: no socket folder to own.
      'unix_socket_dir =',
      'pidfile =',
      'logfile =',
      'syslog = 0',
      // The upstream trusts loopback, so clients are not asked for a password
      // here either; a user must still be listed in the auth_file.
      'auth_type = trust',
      `auth_file = ${userlist}`,
      `admin_users = ${user}`,
      `stats_users = ${user}`,
      `pool_mode = ${options.poolMode}`,
      `max_client_conn = ${options.maxClientConn ?? 500}`,
      `default_pool_size = ${options.defaultPoolSize ?? 20}`,
      // Transaction pooling: a server connection changes hands after every
      // transaction, so there is no session to reset ("DISCARD ALL" would
      // only cost a round trip).
      'server_reset_query =',
      // node-postgres sends user, database and application_name in its
      // startup packet (PgBouncer tracks application_name itself), plus
      // options/statement_timeout/... only when configured, which Sluice does
      // not: nothing to ignore. Session parameters must not be relied on
      // through transaction pooling anyway.
      'ignore_startup_parameters =',
      // Keep test runs quiet and server connections short-lived.
      'log_connections = 0',
      'log_disconnections = 0',
      'server_idle_timeout = 30',
      '',
    ].join('\n'),
  );
  writeFileSync(userlist, `${quoted(user)} ${quoted(password)}\n`, { mode: 0o600 });
  return ini;
}

/**
 * Asks PgBouncer's admin console for its configuration: an answer that names
 * our config file means ours is up (a pooler someone else runs on the same
 * port must not count), and a query through it to the upstream proves the
 * pool works.
 */
async function isOurPgBouncer(url: string, adminUrl: string, ini: string): Promise<boolean> {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 1000 });
  admin.on('error', () => {});
  try {
    await admin.connect();
    const { rows } = await admin.query<{ key: string; value: string }>('SHOW CONFIG');
    if (rows.find((r) => r.key === 'conffile')?.value !== ini) return false;
  } finally {
    await admin.end().catch(() => {});
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ one: number }>('select 1 as one');
    return rows[0]?.one === 1;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Runs PgBouncer as a child process on loopback in front of `upstreamUrl`, in
 * transaction pooling mode: each transaction may run on a different server
 * connection, so clients get no session state (session SET, LISTEN, session
 * advisory locks, named prepared statements) that outlives a transaction.
 */
export async function startPgBouncer(options: PgBouncerOptions): Promise<ServiceHandle> {
  const host = options.host ?? '127.0.0.1';
  const dataDir = resolve(options.dataDir);
  const upstream = new URL(options.upstreamUrl);
  const user = decodeURIComponent(upstream.username) || 'postgres';
  const database = decodeURIComponent(upstream.pathname.slice(1)) || user;
  const binary = options.binary ?? findPgBouncer();
  const account = serverAccount();
  prepareDataDir(
    dataDir,
    account,
    options.log ?? ((line) => process.stderr.write(`[local-services] ${line}\n`)),
  );

  const urlOf = (port: number, db: string) =>
    `postgres://${encodeURIComponent(user)}@${host}:${port}/${encodeURIComponent(db)}`;
  let proc: ServerProcess | undefined;
  const launch = async (port: number) => {
    const ini = writeConfig(dataDir, port, host, upstream, options);
    if (account) {
      for (const file of [ini, join(dataDir, 'userlist.txt')])
        chownSync(file, account.uid, account.gid);
    }
    const started = new ServerProcess(
      `PgBouncer on ${host}:${port}`,
      binary,
      [ini],
      { ...account, cwd: '/' },
      options.log,
    );
    proc = started;
    await waitUntilReady(started, () =>
      isOurPgBouncer(urlOf(port, database), urlOf(port, 'pgbouncer'), ini),
    );
  };
  const port = await launchOnPort(options.port, host, launch);
  // SIGTERM: immediate shutdown (SIGINT would wait for every client to leave).
  return signalStoppedHandle({
    url: urlOf(port, database),
    port,
    host,
    current: () => proc!,
    launch,
  });
}
