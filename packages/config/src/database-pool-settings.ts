import { z } from 'zod';

/**
 * The pg pool of every process that touches PostgreSQL (API, worker), beyond
 * DATABASE_POOL_SIZE (its maximum). @sluice/db's createDatabase takes them
 * as `DatabasePoolOptions` (databasePoolOptionsOf).
 */
export const databasePoolSettings = {
  /**
   * Connections the pool keeps open when idle (never closed by the idle
   * timeout below); 0 lets an idle process close them all. At most
   * DATABASE_POOL_SIZE.
   */
  DATABASE_POOL_MIN: z.coerce.number().int().min(0).max(500).default(0),
  /** An idle connection above DATABASE_POOL_MIN is closed after this long. 0 keeps them. */
  DATABASE_POOL_IDLE_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  /**
   * Longest wait for a connection: a free slot in the pool and the connection
   * itself (TCP, TLS, authentication). Past it the call fails (counted in
   * sluice_db_connection_errors_total), and is retried as below.
   */
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /**
   * Queries a connection serves before the pool closes it and opens a fresh
   * one (spreads connections again after a failover or a PgBouncer change;
   * bounds a server backend's memory growth). 0: no limit.
   */
  DATABASE_POOL_MAX_USES: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
  /**
   * Tries after a failed connect (PostgreSQL refusing or unreachable), with
   * exponential backoff from DATABASE_CONNECT_RETRY_MIN_MS, doubling, capped
   * at DATABASE_CONNECT_RETRY_MAX_MS, with jitter. A wait for a pool slot that
   * timed out is not retried (the pool is busy, not the database down).
   */
  DATABASE_CONNECT_RETRIES: z.coerce.number().int().min(0).max(20).default(2),
  DATABASE_CONNECT_RETRY_MIN_MS: z.coerce.number().int().min(1).max(60_000).default(100),
  DATABASE_CONNECT_RETRY_MAX_MS: z.coerce.number().int().min(1).max(600_000).default(2_000),
};

/**
 * The pool variables that only make sense together. Run also when other
 * variables failed (the Redis check's `when`): a value that did not parse is
 * not compared.
 */
export function databasePoolIssues(
  c: Partial<Record<string, unknown>>,
): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  const notAbove = (lower: string, upper: string) => {
    const [a, b] = [c[lower], c[upper]];
    if (typeof a === 'number' && typeof b === 'number' && a > b) {
      issues.push({ path: [lower], message: `${lower} (${a}) must not exceed ${upper} (${b})` });
    }
  };
  notAbove('DATABASE_POOL_MIN', 'DATABASE_POOL_SIZE');
  notAbove('DATABASE_CONNECT_RETRY_MIN_MS', 'DATABASE_CONNECT_RETRY_MAX_MS');
  return issues;
}

type PoolSettings = { DATABASE_POOL_SIZE: number } & z.infer<
  z.ZodObject<typeof databasePoolSettings>
>;

/** The pool settings as @sluice/db's createDatabase takes them (matched by shape: no import). */
export function databasePoolOptionsOf(c: PoolSettings) {
  return {
    poolSize: c.DATABASE_POOL_SIZE,
    minConnections: c.DATABASE_POOL_MIN,
    idleTimeoutMs: c.DATABASE_POOL_IDLE_TIMEOUT_MS,
    connectTimeoutMs: c.DATABASE_CONNECT_TIMEOUT_MS,
    maxUses: c.DATABASE_POOL_MAX_USES === 0 ? undefined : c.DATABASE_POOL_MAX_USES,
    connectRetries: c.DATABASE_CONNECT_RETRIES,
    connectRetryMinMs: c.DATABASE_CONNECT_RETRY_MIN_MS,
    connectRetryMaxMs: c.DATABASE_CONNECT_RETRY_MAX_MS,
  };
}
