/**
 * The soak's resource samples, taken every few seconds while load runs:
 * resident memory of the API and of the worker (the process: its threads
 * included), PostgreSQL's client connections and Redis' used memory. A
 * leak shows as a series that keeps rising (load-stats.ts growth()).
 */
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Point } from './load-stats.ts';

/** Current resident set size (VmRSS) of a live process, in MiB (Linux). */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
}

interface ResourceSeries {
  apiRssMB: Point[];
  workerRssMB: Point[];
  postgresConnections: Point[];
  redisUsedMemoryMB: Point[];
}

export interface Sampler {
  /** Stops sampling; resolves with every series once the last sample is in. */
  stop(): Promise<ResourceSeries>;
}

/**
 * Samples every `intervalMs` until stopped. Its own PostgreSQL and Redis
 * connections are opened first and counted out (they exist only because
 * we are measuring).
 */
export async function startSampler(
  pids: { api: number; worker: number },
  urls: { postgres: string; redis: string },
  intervalMs: number,
): Promise<Sampler> {
  const db = new pg.Client({ connectionString: urls.postgres, application_name: 'bench-sampler' });
  db.on('error', () => {});
  await db.connect();
  const redis = new Redis(urls.redis, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  await redis.connect();

  const series: ResourceSeries = {
    apiRssMB: [],
    workerRssMB: [],
    postgresConnections: [],
    redisUsedMemoryMB: [],
  };
  const start = performance.now();
  const sample = async () => {
    const seconds = (performance.now() - start) / 1000;
    const [{ rows }, info] = await Promise.all([
      db.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity
          where backend_type = 'client backend' and pid <> pg_backend_pid()`,
      ),
      redis.info('memory'),
    ]);
    const usedBytes = Number(/^used_memory:(\d+)/m.exec(info)?.[1]);
    series.apiRssMB.push({ seconds, value: rssMb(pids.api) });
    series.workerRssMB.push({ seconds, value: rssMb(pids.worker) });
    series.postgresConnections.push({ seconds, value: rows[0]!.n });
    series.redisUsedMemoryMB.push({ seconds, value: usedBytes / 1024 ** 2 });
  };

  let failure: unknown;
  let running = sample();
  const timer = setInterval(() => {
    running = running.then(sample).catch((error) => {
      failure ??= error;
    });
  }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await running.catch((error) => {
        failure ??= error;
      });
      await Promise.all([db.end().catch(() => {}), redis.quit().catch(() => {})]);
      if (failure) throw new Error(`resource sampling failed: ${(failure as Error).message}`);
      return series;
    },
  };
}
