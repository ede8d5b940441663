/** Node socket errors that mean "could not reach the server", not "the server said no". */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * ioredis' words for a connection that is down or not ready (the producer
 * connection fails commands at once instead of queueing them), and Redis'
 * own replies while it cannot serve (loading, failover, cluster trouble).
 */
const CONNECTION_MESSAGES =
  /enableOfflineQueue|Connection is closed|Stream isn't writeable|max retries per request|ECONNREFUSED|ECONNRESET|ETIMEDOUT|no answer within|^(LOADING|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|READONLY)\b/i;

/**
 * Failures that say Redis is unavailable, for the redis breaker. A Redis
 * error reply to a command (WRONGTYPE, a script error) is not one: Redis
 * answered. Looks through `cause` (a problem wrapping the queue's error).
 */
export function isRedisConnectionError(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
    if (e.name === 'MaxRetriesPerRequestError') return true;
    if (CONNECTION_MESSAGES.test(e.message)) return true;
    e = e.cause;
  }
  return false;
}

/**
 * SQLSTATEs that say PostgreSQL cannot serve: connection exceptions (class
 * 08), the server shutting down or starting up (57P01-57P03), no connection
 * slot left (53300). Contention (serialization failure, deadlock, lock
 * timeout) is transient too but proves the server answered: not here.
 */
const POSTGRES_UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/**
 * node-postgres' words for a connection it could not make or lost (no code),
 * pg-pool's for a connection not made within connectionTimeoutMillis.
 */
const POSTGRES_CONNECTION_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i;

/**
 * Failures that say PostgreSQL is unavailable, for the postgres breaker (and
 * the worker's "hand the job back" decision). Narrower than @sluice/db's
 * isTransientDatabaseError, which also retries contention; that
 * function stays the db package's (breakers imports no other package).
 * Looks through `cause`.
 */
export function isPostgresUnavailableError(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (code.startsWith('08') && code.length === 5) return true;
      if (POSTGRES_UNAVAILABLE_SQLSTATES.has(code) || CONNECTION_CODES.has(code)) return true;
    }
    if (POSTGRES_CONNECTION_MESSAGES.test(e.message)) return true;
    e = e.cause;
  }
  return false;
}
