import type { Dependency, DependencyBreakers } from '@sluice/breakers';
import type { NextFunction, Request, Response } from 'express';
import { dependencyUnavailable, failedDependency } from './dependency-errors.ts';
import { HttpProblem, sendProblem } from './problem.ts';

/**
 * The dependencies a request cannot be served without (health routes check
 * their own). A job's status (GET /v1/jobs/{id}) is left to its route: a
 * finished job comes from the Redis cache even while PostgreSQL is down, and
 * a miss goes through the postgres breaker there.
 */
function dependenciesOf(req: Request): Dependency[] {
  // Matched as express routes are: case-insensitive, trailing slash allowed.
  const path = req.path.toLowerCase();
  if (/^\/v1\/jobs\/?$/.test(path) && req.method === 'POST') return ['postgres', 'redis'];
  if (/^\/v1\/jobs\/[^/]+\/?$/.test(path) && (req.method === 'GET' || req.method === 'HEAD')) {
    return [];
  }
  if (/^\/v1\/(jobs|datasets)(\/|$)/.test(path)) return ['postgres'];
  return [];
}

/**
 * Circuit breakers at the HTTP edge. A request that needs a dependency whose
 * breaker is open (or half-open, its trial query in flight) gets 503
 * dependency_unavailable at once, with Retry-After until the next trial,
 * instead of waiting for a connection that will fail. Every other such request
 * feeds its outcome to the breakers when it ends: an error that says the
 * dependency is unavailable counts as a failure (noted by `noteFailure`
 * below), a response under 500 as a success, anything else not at all.
 */
export function breakerGuard(breakers: DependencyBreakers) {
  const failures = new WeakMap<Request, Partial<Record<Dependency, unknown>>>();
  const guard = (req: Request, res: Response, next: NextFunction) => {
    const needs = dependenciesOf(req);
    if (needs.length === 0) return next();
    const refusing = needs.find((d) => !breakers[d].allowsCalls());
    if (refusing !== undefined) {
      const refusal = breakers[refusing].refuse();
      sendProblem(req, res, dependencyUnavailable(refusing, refusal.retryAfterMs, refusal));
      return;
    }
    res.once('close', () => {
      const failed = failures.get(req) ?? {};
      for (const dependency of needs) {
        if (dependency in failed) breakers[dependency].record(failed[dependency]);
        else if (res.writableFinished && res.statusCode < 500) breakers[dependency].record();
      }
    });
    next();
  };
  const noteFailure = (error: unknown, req: Request, _res: Response, next: NextFunction) => {
    const dependency = failedDependency(error);
    if (dependency !== undefined) {
      const failed = failures.get(req) ?? {};
      failed[dependency] = error instanceof HttpProblem ? error.cause : error;
      failures.set(req, failed);
    }
    next(error);
  };
  return { guard, noteFailure };
}
