import type { Dependency, DependencyBreakers } from '@sluice/breakers';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { dependencyUnavailable, failedDependency } from './dependency-errors.ts';
import { HttpProblem, sendProblem } from './problem.ts';

/**
 * Route middleware: the dependencies the route cannot be served without,
 * declared next to the route (`router.post('/v1/jobs', needs('postgres',
 * 'redis'), handler)`). `needs()` declares none: the route checks its own, as
 * health probes do, or goes through a breaker itself.
 */
export type Needs = (...dependencies: Dependency[]) => RequestHandler;

interface BreakerGuard {
  needs: Needs;
  /** Error middleware after the routes: notes which dependency an error says failed. */
  noteFailure: ErrorRequestHandler;
}

/**
 * Circuit breakers at the HTTP edge. A request that needs a dependency whose
 * breaker is open (or half-open, its trial query in flight) gets 503
 * dependency_unavailable at once, with Retry-After until the next trial,
 * instead of waiting for a connection that will fail. Every other such request
 * feeds its outcome to the breakers when it ends: an error that says the
 * dependency is unavailable counts as a failure (noted by `noteFailure`
 * below), a response under 500 as a success, anything else not at all.
 * Only routes that declare a need are guarded: a path no route matches
 * (404 not_found) needs nothing and tells the breakers nothing.
 */
export function createBreakerGuard(breakers: DependencyBreakers): BreakerGuard {
  const failures = new WeakMap<Request, Partial<Record<Dependency, unknown>>>();
  const needs: Needs = (...dependencies) => {
    if (dependencies.length === 0) return (_req, _res, next) => next();
    return (req, res, next) => {
      const refusing = dependencies.find((d) => !breakers[d].allowsCalls());
      if (refusing !== undefined) {
        const refusal = breakers[refusing].refuse();
        sendProblem(req, res, dependencyUnavailable(refusing, refusal.retryAfterMs, refusal));
        return;
      }
      res.once('close', () => {
        const failed = failures.get(req) ?? {};
        for (const dependency of dependencies) {
          if (dependency in failed) breakers[dependency].record(failed[dependency]);
          else if (res.writableFinished && res.statusCode < 500) breakers[dependency].record();
        }
      });
      next();
    };
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
  return { needs, noteFailure };
}
