import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning, type ServiceHandle } from '@sluice/local-services';
import { Redis } from 'ioredis';
import pg from 'pg';

export const PIDS_DIR = 'pids';

/** Polls `list` until it is empty or ~5 s passed; returns what is left. */
async function settle(list: () => Promise<string[]>): Promise<string[]> {
  for (let i = 0; ; i++) {
    const left = await list();
    if (left.length === 0 || i >= 20) return left;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Clients still connected to PgBouncer, from its admin console (simple query
 * protocol only, which node-postgres uses for a query without parameters).
 */
async function pgBouncerClients(url: string): Promise<string[]> {
  const admin = new pg.Client({ connectionString: url.replace(/\/[^/]*$/, '/pgbouncer') });
  await admin.connect();
  try {
    return await settle(async () => {
      const { rows } = await admin.query<{ database: string; application_name: string }>(
        'SHOW CLIENTS',
      );
      return rows
        .filter((r) => r.database !== 'pgbouncer') // this very connection
        .map((r) => `PgBouncer client connection from '${r.application_name || 'unnamed'}'`);
    });
  } finally {
    await admin.end();
  }
}

/**
 * Connections and processes still open after the tests ran. With PgBouncer,
 * its clients are checked first; then it is stopped, which closes the server
 * connections it pools, so that PostgreSQL shows only what bypassed it.
 */
export async function findLeaks(o: {
  directDatabaseUrl: string;
  pgbouncer?: ServiceHandle | undefined;
  redisUrl: string;
  harnessDir: string;
}): Promise<string[]> {
  const leaks: string[] = [];

  if (o.pgbouncer) {
    leaks.push(...(await pgBouncerClients(o.pgbouncer.url)));
    await o.pgbouncer.stop();
  }

  const client = new pg.Client({
    connectionString: o.directDatabaseUrl,
    application_name: 'sluice-leak-check',
  });
  await client.connect();
  try {
    // A closed pool's connections take a moment to disappear from the server.
    for (let i = 0; ; i++) {
      const { rows } = await client.query<{ application_name: string; n: number }>(
        `select application_name, count(*)::int as n from pg_stat_activity
         where backend_type = 'client backend' and pid <> pg_backend_pid()
         group by 1 order by 1`,
      );
      if (rows.length === 0 || i >= 20) {
        for (const r of rows)
          leaks.push(`${r.n} PostgreSQL connection(s) from '${r.application_name || 'unnamed'}'`);
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await client.end();
  }

  const redis = new Redis(o.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    const ownId = await redis.client('ID');
    for (let i = 0; ; i++) {
      const list = (await redis.client('LIST')) as string;
      const others = list
        .split('\n')
        .filter((line) => line.startsWith('id=') && !line.startsWith(`id=${ownId} `))
        .map((line) => /name=(\S*)/.exec(line)?.[1] || 'unnamed');
      if (others.length === 0 || i >= 20) {
        for (const name of others) leaks.push(`Redis connection '${name}'`);
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    redis.disconnect();
  }

  const pidsDir = join(o.harnessDir, PIDS_DIR);
  let files: string[] = [];
  try {
    files = readdirSync(pidsDir);
  } catch {
    // no app was spawned
  }
  for (const file of files) {
    const pid = Number(readFileSync(join(pidsDir, file), 'utf8'));
    if (!isRunning(pid)) continue; // gone, as it should be
    leaks.push(`process ${file} (pid ${pid}) still running`);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // exited meanwhile
    }
  }
  return leaks;
}
