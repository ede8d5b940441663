import { BreakerOpenError, type Dependency } from '@sluice/breakers';
import { isTransientDatabaseError } from '@sluice/db';
import { isRedisConnectionError } from '@sluice/queue';
import { HttpProblem } from './problem.ts';

const DEPENDENCY_NAMES: Record<Dependency, string> = {
  postgres: 'The database',
  redis: 'The queue',
};

export function dependencyUnavailable(
  dependency: Dependency,
  retryAfterMs: number,
  cause?: unknown,
) {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new HttpProblem(
    'dependency_unavailable',
    `${DEPENDENCY_NAMES[dependency]} is unavailable; try again in ${seconds} s.`,
    { headers: { 'retry-after': String(seconds) }, extra: { dependency }, cause },
  );
}

/**
 * Which dependency an error says is unavailable, if any. PostgreSQL first: a
 * refused database connection (ECONNREFUSED) must not be taken for Redis.
 * Contention that outlived its retries (deadlock...) is a 503 too, but the
 * postgres breaker counts only unavailability (its own classifier).
 */
export function failedDependency(error: unknown): Dependency | undefined {
  if (error instanceof BreakerOpenError) return undefined;
  if (error instanceof HttpProblem) {
    // The job was stored but could not be enqueued: Redis' fault.
    return error.code === 'queue_unavailable' && isRedisConnectionError(error.cause)
      ? 'redis'
      : undefined;
  }
  // Unavailable or contention (db's one table of PostgreSQL error classes).
  if (isTransientDatabaseError(error)) return 'postgres';
  if (isRedisConnectionError(error)) return 'redis';
  return undefined;
}

/** Dependency outages become 503 + Retry-After so clients back off and retry. */
export function classifyDependencyError(error: unknown): HttpProblem | undefined {
  if (error instanceof BreakerOpenError) {
    return dependencyUnavailable(error.dependency as Dependency, error.retryAfterMs, error);
  }
  const dependency = failedDependency(error);
  return dependency === undefined ? undefined : dependencyUnavailable(dependency, 5_000, error);
}
