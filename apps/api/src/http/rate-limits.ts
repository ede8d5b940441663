import type { Logger } from '@sluice/lifecycle';
import type { ApiMetrics } from '@sluice/metrics';
import type { RedisConnection } from '@sluice/queue';
import { withTimeout } from '@sluice/util';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
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
 * rate-limiter-flexible's RateLimiterRedis count (its incr-with-TTL script)
 * for two keys in ONE round trip: the client address' (KEYS[1]), then, only
 * if that one is still within ARGV[3], the API key's (KEYS[2]). Same keys,
 * same arithmetic: the separate and the combined counts add up in Redis.
 * Both keys are under the queue prefix, a hash tag on a Cluster (one slot).
 */
const COUNT_BOTH_LUA = `
local function count(key, points, seconds)
  redis.call('set', key, 0, 'EX', seconds, 'NX')
  local consumed = redis.call('incrby', key, points)
  local ttl = redis.call('pttl', key)
  if ttl == -1 then
    redis.call('expire', key, seconds)
    ttl = 1000 * seconds
  end
  return {consumed, ttl}
end
local address = count(KEYS[1], ARGV[1], ARGV[2])
if address[1] > tonumber(ARGV[3]) then return address end
local key = count(KEYS[2], ARGV[1], ARGV[2])
return {address[1], address[2], key[1], key[2]}
`;
const COUNT_BOTH = 'sluiceRateLimitBoth';

type CountBoth = (
  addressKey: string,
  keyKey: string,
  points: number,
  seconds: number,
  quota: number,
) => Promise<number[]>;

/** A RateLimiterRes as RateLimiterRedis makes it from a count and a TTL. */
function stateOf(quota: number, consumed: number, ttlMs: number): RateLimiterRes {
  return new RateLimiterRes(Math.max(quota - consumed, 0), ttlMs, consumed, consumed === 1);
}

type Holder = 'addr' | 'key';
/** A request's outcome for one holder: within the budget, or over it (the refusal's state). */
type Outcome = { over: boolean; state: RateLimiterRes };

/**
 * Rate limits of /v1, per client in Redis (rate-limiter-flexible, fixed
 * one-minute windows), so every API instance counts against the same
 * budget: per client address (`byAddress`, before authentication, so key
 * guessing is limited too) and per API key (`byKey`, after it). The client
 * is the socket's address (behind a proxy, the proxy's: raise the limits
 * for it). When Redis cannot answer within REDIS_ANSWER_MS (down, paused,
 * failing over), a per-process budget of the same size decides: the limits
 * hold, per instance, and no request fails or waits for it. Beyond a
 * budget: 429 rate_limited with Retry-After.
 *
 * A request whose API key authenticates without PostgreSQL (checked
 * recently: `trustedKeyOf`) has both counted in one round trip to Redis by
 * `byAddress`, the key's only when the address is within its budget (as
 * when counted one after the other); `byKey` then uses that count.
 */
export function createRateLimits(deps: {
  redis: RedisConnection;
  prefix: string;
  /** The client address whose budget a request spends. */
  addressOf: (req: Request) => string;
  /** The API key id a request authenticated as (after authentication). */
  keyOf: (res: Response) => string;
  /** The API key id a request will authenticate as without asking PostgreSQL, if known. */
  trustedKeyOf: (req: Request) => string | undefined;
  settings: RateLimitSettings;
  metrics: ApiMetrics;
  logger: Logger;
}): { byAddress: RequestHandler; byKey: RequestHandler } {
  const quotas: Record<RateBudget, number> = {
    submissions: deps.settings.submissionsPerMinute,
    reads: deps.settings.readsPerMinute,
  };
  const keyPrefix = (holder: Holder, budget: RateBudget) =>
    `${deps.prefix}:ratelimit:${holder}:${budget}`;
  // ioredis sends it by hash (EVALSHA), loading it once per connection.
  deps.redis.defineCommand(COUNT_BOTH, { numberOfKeys: 2, lua: COUNT_BOTH_LUA });
  const countBoth = (deps.redis as unknown as Record<typeof COUNT_BOTH, CountBoth>)[
    COUNT_BOTH
  ].bind(deps.redis);

  const counter = (holder: Holder, budget: RateBudget) => {
    const shared = new RateLimiterRedis({
      storeClient: deps.redis,
      keyPrefix: keyPrefix(holder, budget),
      points: quotas[budget],
      duration: WINDOW_SECONDS,
    });
    const local = new RateLimiterMemory({ points: quotas[budget], duration: WINDOW_SECONDS });
    return {
      /** Resolves within the budget, rejects with the RateLimiterRes beyond it. */
      async count(client: string): Promise<RateLimiterRes> {
        try {
          return await withTimeout(shared.consume(client), REDIS_ANSWER_MS);
        } catch (outcome) {
          // Over the budget: Redis' verdict stands.
          if (outcome instanceof RateLimiterRes) throw outcome;
          return local.consume(client);
        }
      },
      local,
    };
  };
  const limiter = (budget: RateBudget) => {
    if (quotas[budget] === 0) return undefined;
    const addr = counter('addr', budget);
    const key = counter('key', budget);
    const quota = quotas[budget];
    /** Both counts in one round trip; the key's undefined when the address is over. */
    const both = async (address: string, keyId: string): Promise<[Outcome, Outcome?]> => {
      let counts: number[];
      try {
        counts = await withTimeout(
          countBoth(
            `${keyPrefix('addr', budget)}:${address}`,
            `${keyPrefix('key', budget)}:${keyId}`,
            1,
            WINDOW_SECONDS,
            quota,
          ),
          REDIS_ANSWER_MS,
        );
      } catch {
        // Redis cannot answer: the per-process counts decide, one after the other.
        const a = await settle(addr.local.consume(address));
        return a.over ? [a] : [a, await settle(key.local.consume(keyId))];
      }
      const outcome = (consumed: number, ttl: number) => ({
        over: consumed > quota,
        state: stateOf(quota, consumed, ttl),
      });
      const a = outcome(counts[0]!, counts[1]!);
      return counts.length < 4 ? [a] : [a, outcome(counts[2]!, counts[3]!)];
    };
    return { addr, key, both };
  };
  const limiters = { submissions: limiter('submissions'), reads: limiter('reads') };
  /** The key's count `byAddress` made for a request, for `byKey`. */
  const counted = new WeakMap<Request, { keyId: string; outcome: Outcome }>();

  const refuse = (
    req: Request,
    res: Response,
    holder: Holder,
    budget: RateBudget,
    state: RateLimiterRes,
  ) => {
    setRateHeaders(res, budget, quotas[budget], state);
    deps.metrics.rateLimited.inc({ budget });
    const seconds = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
    sendProblem(
      req,
      res,
      new HttpProblem(
        'rate_limited',
        `${holder === 'key' ? 'This API key' : 'This client'} used its ${quotas[budget]} ${budget} per minute; try again in ${seconds} s.`,
        { headers: { 'retry-after': String(seconds) }, extra: { budget, limit: quotas[budget] } },
      ),
    );
  };

  /** Counts one holder's request (alone) and answers it: next, or 429. */
  const countAlone = async (
    req: Request,
    res: Response,
    next: NextFunction,
    holder: Holder,
    client: string,
  ) => {
    const budget = budgetOf(req.method);
    const current = limiters[budget];
    if (!current) return next();
    let outcome: Outcome;
    try {
      outcome = await settle(current[holder].count(client));
    } catch (error) {
      // Neither limiter could count (a bug, not an outage): let it through.
      deps.logger.warn({ err: error, budget }, 'rate limiter failed; request not limited');
      return next();
    }
    if (outcome.over) return refuse(req, res, holder, budget, outcome.state);
    setRateHeaders(res, budget, quotas[budget], outcome.state);
    next();
  };

  const byAddress: RequestHandler = async (req, res, next) => {
    const budget = budgetOf(req.method);
    const current = limiters[budget];
    if (!current) return next();
    const keyId = deps.trustedKeyOf(req);
    if (keyId === undefined) return countAlone(req, res, next, 'addr', deps.addressOf(req));
    let outcomes: [Outcome, Outcome?];
    try {
      outcomes = await current.both(deps.addressOf(req), keyId);
    } catch (error) {
      deps.logger.warn({ err: error, budget }, 'rate limiter failed; request not limited');
      return next();
    }
    const [address, key] = outcomes;
    if (address.over) return refuse(req, res, 'addr', budget, address.state);
    setRateHeaders(res, budget, quotas[budget], address.state);
    if (key) counted.set(req, { keyId, outcome: key });
    next();
  };

  const byKey: RequestHandler = (req, res, next) => {
    const keyId = deps.keyOf(res);
    const earlier = counted.get(req);
    if (earlier?.keyId !== keyId) return countAlone(req, res, next, 'key', keyId);
    const budget = budgetOf(req.method);
    if (earlier.outcome.over) return refuse(req, res, 'key', budget, earlier.outcome.state);
    setRateHeaders(res, budget, quotas[budget], earlier.outcome.state);
    next();
  };

  return { byAddress, byKey };
}

/** A count's outcome: within the budget (resolved) or over it (rejected with its state). */
async function settle(count: Promise<RateLimiterRes>): Promise<Outcome> {
  try {
    return { over: false, state: await count };
  } catch (outcome) {
    if (outcome instanceof RateLimiterRes) return { over: true, state: outcome };
    throw outcome;
  }
}
