import type { Database } from '@sluice/db';
import type { PoolStats } from '@sluice/metrics';
import { withTimeout } from '@sluice/util';
import type { Request, Response } from 'express';
import { type Kysely, sql } from 'kysely';
import { dependencyUnavailable } from '../http/dependency-errors.ts';
import { writeProblem } from '../http/problem.ts';

/** The pool as /health and /health/db show it: its counters, its maximum and how much of it is in use. */
export interface PoolView {
  total: number;
  idle: number;
  waiting: number;
  /** DATABASE_POOL_SIZE. */
  max: number;
  /** Connections in use (open, not idle) over the maximum, 0..1. */
  utilization: number;
}

export function poolView(stats: PoolStats): PoolView {
  const max = stats.max ?? stats.total;
  const inUse = stats.total - stats.idle;
  return {
    total: stats.total,
    idle: stats.idle,
    waiting: stats.waiting,
    max,
    utilization: max > 0 ? Math.round((inUse / max) * 1000) / 1000 : 0,
  };
}

/** One round trip (`select 1`) through the pool, in milliseconds to the hundredth; never throws. */
export async function databaseRoundTrip(
  db: Kysely<Database>,
  timeoutMs: number,
): Promise<{ ok: true; ms: number } | { ok: false; ms: number; error: string }> {
  const started = process.hrtime.bigint();
  const ms = () => Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100;
  try {
    await withTimeout(sql`select 1`.execute(db), timeoutMs);
    return { ok: true, ms: ms() };
  } catch (error) {
    return { ok: false, ms: ms(), error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * GET /health/db: 200 when PostgreSQL answers a query through this process'
 * pool (with its round trip and the pool), 503 problem+json
 * (dependency_unavailable) when it does not within the probe's time. Not
 * through the breaker: it asks the database itself, open breaker or not,
 * for load balancers and operators who want the database's own answer.
 */
export function databaseHealth(deps: {
  db: Kysely<Database>;
  dbPool: () => PoolStats;
  timeoutMs: number;
}) {
  return async (req: Request, res: Response) => {
    const probe = await databaseRoundTrip(deps.db, deps.timeoutMs);
    const pool = poolView(deps.dbPool());
    if (probe.ok) {
      res.json({ status: 'ok', latencyMs: probe.ms, pool });
      return;
    }
    const problem = dependencyUnavailable('postgres', 5_000);
    Object.assign(problem.extra, { error: probe.error, latencyMs: probe.ms, pool });
    writeProblem(req, res, problem);
  };
}
