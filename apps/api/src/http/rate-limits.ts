import type { Logger } from '@sluice/lifecycle';
import type { ApiMetrics } from '@sluice/metrics';
import type { RedisConnection } from '@sluice/queue';
import { withTimeout } from '@sluice/util';
import type { Request, RequestHandler, Response } from 'express';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { HttpProblem, sendProblem } from './problem.ts';

/** Separate budgets: a client polling job status must not use up its uploads, nor the reverse. */
type RateBudget = 'submissions' | 'reads';

export interface RateLimitSettings {
  /** Requests per minute per client; 0 turns the budget off. */
  submissionsPerMinute: number;
  readsPerMinute: number;
}

const WINDOW_SECONDS = 60;

/**
 * Longest wait for Redis' count. A stalled Redis (paused, failing over)
 * must not stall every request: past this, the per-process count decides.
 */
const REDIS_ANSWER_MS = 250;

/** Reads are GET and HEAD; every other method changes something. */
const budgetOf = (method: string): RateBudget =>
  method === 'GET' || method === 'HEAD' ? 'reads' : 'submissions';

/**
 * The IETF RateLimit fields (draft-ietf-httpapi-ratelimit-headers): the
 * policy (quota per window) and what is left of it and when it resets.
 */
function setRateHeaders(res: Response, budget: RateBudget, quota: number, state: RateLimiterRes) {
  const reset = Math.max(0, Math.ceil(state.msBeforeNext / 1000));
  res.setHeader('RateLimit-Policy', `"${budget}";q=${quota};w=${WINDOW_SECONDS}`);
  res.setHeader('RateLimit', `"${budget}";r=${Math.max(0, state.remainingPoints)};t=${reset}`);
}

/**
 * Rate limits of /v1, per client in Redis (rate-limiter-flexible, fixed
 * one-minute windows), so every API instance counts against the same budget.
 * The client is the socket's address (behind a proxy, the proxy's: raise
 * the limits for it). When Redis cannot answer within REDIS_ANSWER_MS (down,
 * paused, failing over), a per-process budget of the same size decides: the
 * limits hold, per instance, and no request fails or waits for it. Beyond a
 * budget: 429 rate_limited with Retry-After.
 */
export function createRateLimits(deps: {
  redis: RedisConnection;
  prefix: string;
  /**
   * Whose budget a request spends, and the name of that kind of budget
   * holder (keys in Redis): the client address, or the API key.
   */
  holder: { kind: 'addr' | 'key'; of: (req: Request, res: Response) => string };
  settings: RateLimitSettings;
  metrics: ApiMetrics;
  logger: Logger;
}): RequestHandler {
  const quotas: Record<RateBudget, number> = {
    submissions: deps.settings.submissionsPerMinute,
    reads: deps.settings.readsPerMinute,
  };
  const limiter = (budget: RateBudget) => {
    if (quotas[budget] === 0) return undefined;
    const shared = new RateLimiterRedis({
      storeClient: deps.redis,
      keyPrefix: `${deps.prefix}:ratelimit:${deps.holder.kind}:${budget}`,
      points: quotas[budget],
      duration: WINDOW_SECONDS,
    });
    const local = new RateLimiterMemory({ points: quotas[budget], duration: WINDOW_SECONDS });
    return async (client: string): Promise<RateLimiterRes> => {
      try {
        return await withTimeout(shared.consume(client), REDIS_ANSWER_MS);
      } catch (outcome) {
        // Over the budget: Redis' verdict stands.
        if (outcome instanceof RateLimiterRes) throw outcome;
        return local.consume(client);
      }
    };
  };
  const limiters = { submissions: limiter('submissions'), reads: limiter('reads') };

  return async (req, res, next) => {
    const budget = budgetOf(req.method);
    const current = limiters[budget];
    if (!current) return next();
    const client = deps.holder.of(req, res);
    let state: RateLimiterRes;
    try {
      state = await current(client);
    } catch (outcome) {
      if (!(outcome instanceof RateLimiterRes)) {
        // Neither limiter could count (a bug, not an outage): let it through.
        deps.logger.warn({ err: outcome, budget }, 'rate limiter failed; request not limited');
        return next();
      }
      setRateHeaders(res, budget, quotas[budget], outcome);
      deps.metrics.rateLimited.inc({ budget });
      const seconds = Math.max(1, Math.ceil(outcome.msBeforeNext / 1000));
      sendProblem(
        req,
        res,
        new HttpProblem(
          'rate_limited',
          `${deps.holder.kind === 'key' ? 'This API key' : 'This client'} used its ${quotas[budget]} ${budget} per minute; try again in ${seconds} s.`,
          { headers: { 'retry-after': String(seconds) }, extra: { budget, limit: quotas[budget] } },
        ),
      );
      return;
    }
    setRateHeaders(res, budget, quotas[budget], state);
    next();
  };
}
