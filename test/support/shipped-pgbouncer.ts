import { execFileSync } from 'node:child_process';
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort } from '@sluice/local-services';
import pg from 'pg';
import { type AppProcess, spawnProcess } from '../harness/processes.ts';

/**
 * A real PgBouncer running docker/pgbouncer/pgbouncer.ini, the production file
 * the repository ships, with only what a test machine needs changed: listen
 * on 127.0.0.1 and a free port, the [databases] entry pointing at the
 * harness' PostgreSQL, and an auth_file written from userlist.txt.example.
 * Everything else (transaction pooling, pool sizes, timeouts, SCRAM
 * authentication, stats_users) is the shipped configuration.
 */
export const SHIPPED_INI = fileURLToPath(
  new URL('../../docker/pgbouncer/pgbouncer.ini', import.meta.url),
);
const SHIPPED_USERLIST = fileURLToPath(
  new URL('../../docker/pgbouncer/userlist.txt.example', import.meta.url),
);
/** The stats-only user the shipped file names in stats_users. */
export const EXPORTER_USER = 'pgbouncer_exporter';

export interface ShippedPgBouncer {
  port: number;
  /** `postgres://user:password@127.0.0.1:port/db` through PgBouncer. */
  urlFor(user: string, password: string, database: string): string;
  /** The app user and its password, and the stats user's password. */
  user: string;
  password: string;
  database: string;
  exporterPassword: string;
  process: AppProcess;
  stop(): Promise<void>;
}

/**
 * PostgreSQL's SCRAM-SHA-256 verifier for `password` (RFC 5802/7677), the
 * form pg_authid.rolpassword holds and userlist.txt.example asks for.
 */
function scramVerifier(password: string): string {
  const salt = randomBytes(16);
  const iterations = 4096;
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();
  const storedKey = createHash('sha256').update(hmac(salted, 'Client Key')).digest();
  const serverKey = hmac(salted, 'Server Key');
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/**
 * The shipped file with `settings` replaced in [pgbouncer] and its one
 * [databases] entry replaced by `database` (as docker/pgbouncer/entrypoint.sh
 * does): a key the file does not set is an error, so a rename in the file
 * cannot silently leave the test on PgBouncer's default.
 */
function rewriteIni(ini: string, database: string, settings: Record<string, string>) {
  const left = new Set(Object.keys(settings));
  let section = '';
  let databaseDone = false;
  const lines = ini.split('\n').map((line) => {
    if (line.startsWith('[')) section = line.trim();
    if (section === '[databases]' && /^[^;[\s]/.test(line) && !databaseDone) {
      databaseDone = true;
      return database;
    }
    const key = /^(\w+) =/.exec(line)?.[1];
    if (section === '[pgbouncer]' && key && left.delete(key)) return `${key} = ${settings[key]}`;
    return line;
  });
  if (!databaseDone) throw new Error('pgbouncer.ini: no [databases] entry');
  if (left.size > 0) throw new Error(`pgbouncer.ini does not set ${[...left].join(', ')}`);
  return lines.join('\n');
}

/** The template's lines for `user` and the exporter's, with real secrets. */
function userlist(user: string, verifier: string, exporterPassword: string): string {
  const template = readFileSync(SHIPPED_USERLIST, 'utf8');
  const quoted = (s: string) => `"${s.replace(/"/g, '""')}"`;
  let replaced = 0;
  const text = template
    .split('\n')
    .map((line) => {
      if (line.startsWith('"sluice" ')) {
        replaced++;
        return `${quoted(user)} ${quoted(verifier)}`;
      }
      if (line.startsWith(`"${EXPORTER_USER}" `)) {
        replaced++;
        return `${quoted(EXPORTER_USER)} ${quoted(exporterPassword)}`;
      }
      return line;
    })
    .join('\n');
  if (replaced !== 2)
    throw new Error('userlist.txt.example: expected the sluice and exporter lines');
  return text;
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.query<{ one: number }>('select 1 as one')).rows[0]?.one === 1;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Starts PgBouncer with the shipped configuration in front of `upstreamUrl` (trusting PostgreSQL). */
export async function startShippedPgBouncer(upstreamUrl: string): Promise<ShippedPgBouncer> {
  const upstream = new URL(upstreamUrl);
  const user = decodeURIComponent(upstream.username);
  const database = decodeURIComponent(upstream.pathname.slice(1));
  const password = randomBytes(12).toString('hex');
  const exporterPassword = randomBytes(12).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'sluice-shipped-pgbouncer-'));
  const port = await findFreePort();
  const ini = join(dir, 'pgbouncer.ini');
  const auth = join(dir, 'userlist.txt');
  writeFileSync(
    ini,
    rewriteIni(
      readFileSync(SHIPPED_INI, 'utf8'),
      `${database} = host=${upstream.hostname} port=${upstream.port} dbname=${database}`,
      { listen_addr: '127.0.0.1', listen_port: String(port), auth_file: auth },
    ),
  );
  writeFileSync(auth, userlist(user, scramVerifier(password), exporterPassword), { mode: 0o600 });
  // PgBouncer refuses to run as root: as root, it switches to the postgres
  // account itself (-u), which must own the files.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString());
    for (const f of [dir, ini, auth]) chownSync(f, id('-u'), id('-g'));
  }
  const binary = existsSync('/usr/sbin/pgbouncer') ? '/usr/sbin/pgbouncer' : 'pgbouncer';
  const proc = spawnProcess(
    'pgbouncer-shipped',
    binary,
    [...(asRoot ? ['-u', 'postgres'] : []), ini],
    {},
  );
  const urlFor = (u: string, p: string, db: string) =>
    `postgres://${encodeURIComponent(u)}:${encodeURIComponent(p)}@127.0.0.1:${port}/${encodeURIComponent(db)}`;
  const stop = async () => {
    await proc.stop('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  while (!(await answers(urlFor(user, password, database)))) {
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`PgBouncer with the shipped pgbouncer.ini did not answer:\n${proc.output()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    port,
    urlFor,
    user,
    password,
    database,
    exporterPassword,
    process: proc,
    stop,
  };
}
