import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning } from '@sluice/local-services';
import { Redis } from 'ioredis';
import pg from 'pg';

export const PIDS_DIR = 'pids';

/** Connections and processes still open after the tests ran. */
export async function findLeaks(o: {
  databaseUrl: string;
  redisUrl: string;
  harnessDir: string;
}): Promise<string[]> {
  const leaks: string[] = [];

  const client = new pg.Client({
    connectionString: o.databaseUrl,
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
