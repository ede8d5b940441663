import { isFinal } from '@sluice/contract';
import type { JobView } from '@sluice/db';
import type { Logger } from '@sluice/lifecycle';
import type { ApiMetrics } from '@sluice/metrics';
import type { Redis } from 'ioredis';

export interface JobCacheDeps {
  redis: Redis;
  /** Key prefix (the queue prefix: keeps a Redis Cluster hash tag). */
  prefix: string;
  /** 0 disables the cache. */
  ttlSeconds: number;
  metrics: ApiMetrics;
  logger: Logger;
}

export type CacheResult = 'HIT' | 'MISS';

type Stored = Omit<JobView, 'createdAt' | 'startedAt' | 'finishedAt'> & {
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

const revive = (s: Stored): JobView => ({
  ...s,
  createdAt: new Date(s.createdAt),
  startedAt: s.startedAt === null ? null : new Date(s.startedAt),
  finishedAt: s.finishedAt === null ? null : new Date(s.finishedAt),
});

/**
 * Read-through cache of job status in Redis. Only jobs in a final state are
 * stored: a final job never changes again, so there is nothing to invalidate
 * and a cached answer is never stale. Running jobs always come from
 * PostgreSQL (their progress moves). Redis trouble is never the client's: a
 * failed lookup or store falls back to PostgreSQL and is counted as `error`.
 */
export function createJobCache(deps: JobCacheDeps) {
  // Versioned by the JobView's shape: an entry stored by an older version
  // (without errorsStored, errorCode) is never revived as a JobView.
  const key = (id: string) => `${deps.prefix}:cache:job:v2:${id}`;
  const count = (result: 'hit' | 'miss' | 'error') =>
    deps.metrics.cacheRequests.inc({ cache: 'job_status', result });

  return {
    async read(
      id: string,
      load: () => Promise<JobView | undefined>,
    ): Promise<{ job: JobView | undefined; cache: CacheResult }> {
      if (deps.ttlSeconds === 0) return { job: await load(), cache: 'MISS' };
      let cached: string | null = null;
      let redisOk = true;
      try {
        cached = await deps.redis.get(key(id));
      } catch (err) {
        redisOk = false;
        deps.logger.debug({ err, jobId: id }, 'job cache lookup failed; reading PostgreSQL');
      }
      if (cached !== null) {
        count('hit');
        return { job: revive(JSON.parse(cached) as Stored), cache: 'HIT' };
      }
      count(redisOk ? 'miss' : 'error');
      const job = await load();
      if (job && redisOk && isFinal(job.status)) {
        deps.redis
          .set(key(id), JSON.stringify(job), 'EX', deps.ttlSeconds)
          .catch((err: unknown) => deps.logger.debug({ err, jobId: id }, 'job cache store failed'));
      }
      return { job, cache: 'MISS' };
    },
  };
}

export type JobCache = ReturnType<typeof createJobCache>;
