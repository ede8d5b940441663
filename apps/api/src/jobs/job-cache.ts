import { isFinal } from '@sluice/contract';
import type { JobView } from '@sluice/db';
import type { Logger } from '@sluice/lifecycle';
import type { ApiMetrics } from '@sluice/metrics';
import type { RedisConnection } from '@sluice/queue';
import { jobStatusCacheKey } from '@sluice/queue';

export interface JobCacheDeps {
  redis: RedisConnection;
  /** Key prefix (the queue prefix: keeps a Redis Cluster hash tag). */
  prefix: string;
  /** 0 disables the cache. */
  ttlSeconds: number;
  metrics: ApiMetrics;
  logger: Logger;
}

export type CacheResult = 'HIT' | 'MISS';

type Stored = Omit<JobView, 'createdAt' | 'startedAt' | 'finishedAt' | 'dryRun' | 'revertedAt'> & {
  createdAt: string;
  /** Absent from entries cached before reverts existed. */
  revertedAt?: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  dryRun:
    | (Omit<NonNullable<JobView['dryRun']>, 'promotedAt'> & { promotedAt: string | null })
    | null;
};

const revive = (s: Stored): JobView => ({
  ...s,
  createdAt: new Date(s.createdAt),
  startedAt: s.startedAt === null ? null : new Date(s.startedAt),
  finishedAt: s.finishedAt === null ? null : new Date(s.finishedAt),
  revertedAt: s.revertedAt ? new Date(s.revertedAt) : null,
  // Entries cached before dry runs existed have no dryRun.
  dryRun: !s.dryRun
    ? null
    : {
        ...s.dryRun,
        promotedAt: s.dryRun.promotedAt === null ? null : new Date(s.dryRun.promotedAt),
      },
});

/**
 * Read-through cache of job status in Redis. Only jobs in a final state are
 * stored: a final job changes only by a retry or by being deleted, which drop
 * its entry (`forget` here; the workers' retention purge drops the entries
 * of the jobs it deletes), so a cached answer is not stale. Running jobs always come from
 * PostgreSQL (their progress moves). Redis trouble is never the client's: a
 * failed lookup or store falls back to PostgreSQL and is counted as `error`.
 */
export function createJobCache(deps: JobCacheDeps) {
  const key = (tenantId: string, id: string) => jobStatusCacheKey(deps.prefix, tenantId, id);
  const count = (result: 'hit' | 'miss' | 'error') =>
    deps.metrics.cacheRequests.inc({ cache: 'job_status', result });
  /** A Redis call, timed whatever its outcome (a failure's time is the one operators look for). */
  const timed = async <T>(operation: 'get' | 'set' | 'delete', call: () => Promise<T>) => {
    const started = process.hrtime.bigint();
    try {
      return await call();
    } finally {
      deps.metrics.cacheOperationDuration.observe(
        { operation },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    }
  };

  return {
    /** `bypass` (the client sent Cache-Control: no-cache): read PostgreSQL, refresh the entry. */
    async read(
      tenantId: string,
      id: string,
      load: () => Promise<JobView | undefined>,
      bypass = false,
    ): Promise<{ job: JobView | undefined; cache: CacheResult }> {
      if (deps.ttlSeconds === 0) return { job: await load(), cache: 'MISS' };
      let cached: string | null = null;
      let redisOk = true;
      if (!bypass) {
        try {
          cached = await timed('get', () => deps.redis.get(key(tenantId, id)));
        } catch (err) {
          redisOk = false;
          deps.logger.debug({ err, jobId: id }, 'job cache lookup failed; reading PostgreSQL');
        }
      }
      if (cached !== null) {
        count('hit');
        return { job: revive(JSON.parse(cached) as Stored), cache: 'HIT' };
      }
      count(redisOk ? 'miss' : 'error');
      const job = await load();
      if (job && redisOk && isFinal(job.status)) {
        timed('set', () =>
          deps.redis.set(key(tenantId, id), JSON.stringify(job), 'EX', deps.ttlSeconds),
        ).catch((err: unknown) => deps.logger.debug({ err, jobId: id }, 'job cache store failed'));
      }
      return { job, cache: 'MISS' };
    },

    /**
     * Drops a job's entry (the job was deleted). Redis trouble is logged, not
     * thrown: the deletion stands, and the entry expires with its TTL.
     */
    async forget(tenantId: string, id: string): Promise<void> {
      if (deps.ttlSeconds === 0) return;
      try {
        await timed('delete', () => deps.redis.del(key(tenantId, id)));
      } catch (err) {
        count('error');
        deps.logger.warn({ err, jobId: id }, 'could not drop a deleted job from the cache');
      }
    },
  };
}

export type JobCache = ReturnType<typeof createJobCache>;
