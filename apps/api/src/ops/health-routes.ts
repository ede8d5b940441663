import { readFileSync } from 'node:fs';
import type { DependencyBreakers } from '@sluice/breakers';
import { type Database, pendingMigrations } from '@sluice/db';
import type { PoolStats } from '@sluice/metrics';
import type { QueueCounts, RedisConnection, RedisTarget, RedisTopology } from '@sluice/queue';
import { withTimeout } from '@sluice/util';
import { Router } from 'express';
import { type Kysely, sql } from 'kysely';
import { databaseHealth, databaseRoundTrip, poolView } from './db-health.ts';

/** What GET /health reports beyond the probes (main.ts wires them). */
export interface HealthSources {
  dbPool: () => PoolStats;
  queueCounts: () => Promise<QueueCounts>;
  /** How Redis is deployed (configuration) and which server this process' commands go to now. */
  redisMode: RedisTarget['mode'];
  redisTopology: () => Promise<RedisTopology>;
}

export interface HealthDeps extends HealthSources {
  db: Kysely<Database>;
  redis: RedisConnection;
  breakers: DependencyBreakers;
}

const version: string = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
).version;

/**
 * A probe that does not answer within this fails, with ETIMEDOUT: a
 * dependency that does not answer counts as unavailable for its breaker.
 */
const PROBE_TIMEOUT_MS = 2000;

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function check(
  name: string,
  probe: () => Promise<unknown>,
): Promise<[string, { ok: boolean; detail?: string }]> {
  try {
    await probe();
    return [name, { ok: true }];
  } catch (error) {
    return [name, { ok: false, detail: errorText(error) }];
  }
}

/** Runs a probe, timing it; never throws. */
async function timed<T>(
  probe: () => Promise<T>,
): Promise<{ ok: true; value: T; ms: number } | { ok: false; error: string; ms: number }> {
  const started = process.hrtime.bigint();
  const ms = () => Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100;
  try {
    const value = await withTimeout(probe(), PROBE_TIMEOUT_MS);
    return { ok: true, value, ms: ms() };
  } catch (error) {
    return { ok: false, error: errorText(error), ms: ms() };
  }
}

/**
 * Liveness says the process serves HTTP; readiness says it can do its job;
 * /health is the detailed view for humans (200 ok, 503 degraded).
 * Readiness goes through the circuit breakers: while one is open it answers
 * not ready at once, and its probes count like any other call.
 */
export function healthRoutes(deps: HealthDeps): Router {
  const router = Router();
  const guarded = deps.breakers;
  router.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/health/ready', async (_req, res) => {
    const checks = Object.fromEntries(
      await Promise.all([
        check('postgres', () =>
          guarded.postgres.run(() => withTimeout(sql`select 1`.execute(deps.db), PROBE_TIMEOUT_MS)),
        ),
        check('migrations', async () => {
          const pending = await guarded.postgres.run(() =>
            withTimeout(pendingMigrations(deps.db), PROBE_TIMEOUT_MS),
          );
          if (pending.length > 0) throw new Error(`pending: ${pending.join(', ')}`);
        }),
        check('redis', async () => {
          if (
            (await guarded.redis.run(() => withTimeout(deps.redis.ping(), PROBE_TIMEOUT_MS))) !==
            'PONG'
          )
            throw new Error('unexpected PING reply');
        }),
      ]),
    );
    const ready = Object.values(checks).every((c) => c.ok);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  });
  router.get(
    '/health/db',
    databaseHealth({ db: deps.db, dbPool: deps.dbPool, timeoutMs: PROBE_TIMEOUT_MS }),
  );
  router.get('/health', async (_req, res) => {
    const [postgres, redis, queues, topology] = await Promise.all([
      databaseRoundTrip(deps.db, PROBE_TIMEOUT_MS),
      timed(async () => {
        const reply = await deps.redis.ping();
        if (reply !== 'PONG') throw new Error('unexpected PING reply');
      }),
      timed(() => deps.queueCounts()),
      timed(() => deps.redisTopology()),
    ]);
    const breakers = guarded.states();
    const ok =
      postgres.ok &&
      redis.ok &&
      queues.ok &&
      Object.values(breakers).every((state) => state === 'closed');
    const memory = process.memoryUsage();
    res.status(ok ? 200 : 503).json({
      status: ok ? 'ok' : 'degraded',
      version,
      uptimeSeconds: Math.round(process.uptime()),
      memory: { rss: memory.rss, heapUsed: memory.heapUsed, heapTotal: memory.heapTotal },
      database: {
        ok: postgres.ok,
        // One `select 1` through the pool: the query round trip.
        latencyMs: postgres.ms,
        pool: poolView(deps.dbPool()),
        ...(postgres.ok ? {} : { error: postgres.error }),
      },
      redis: {
        ok: redis.ok,
        mode: deps.redisMode,
        ...(topology.ok ? topology.value : {}),
        status: deps.redis.status,
        pingMs: redis.ms,
        ...(redis.ok ? {} : { error: redis.error }),
      },
      queues: queues.ok ? queues.value : { error: queues.error },
      breakers,
    });
  });
  return router;
}
