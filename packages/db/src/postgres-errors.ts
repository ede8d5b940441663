import { errorChain, errorCode, SOCKET_ERROR_CODES } from '@sluice/util';

/**
 * What a failure says about PostgreSQL, for the three decisions made on it:
 * - unavailable: the server cannot serve (connection refused, lost or timed
 *   out, shutting down or starting up, no connection slot left). Retried; it
 *   trips the postgres breaker; a worker hands its job back without using an
 *   attempt; a connection that saw it is never reused.
 * - contention: the server answered, but this unit of work collided with
 *   another (serialization failure, deadlock, lock timeout). Retried as a
 *   whole transaction; not an outage.
 * - timeout: a statement was cancelled by its statement_timeout (SQLSTATE
 *   57014, query_canceled). It says nothing about the data: the statement
 *   may have waited on a lock that has passed since, or on a server that was
 *   briefly overloaded. Retried, but a try can cost the whole timeout, so
 *   callers bound these tries separately (RetryOptions.maxTimeoutAttempts).
 * - other: the server answered no (data, constraint and syntax errors, a
 *   bug): retrying only repeats it.
 */
export type PostgresErrorClass = 'unavailable' | 'contention' | 'timeout' | 'other';

/** By SQLSTATE: a full code, or a two-character class that covers all of its codes. */
const SQLSTATE_CLASSES: Readonly<Record<string, PostgresErrorClass>> = {
  '08': 'unavailable', // connection_exception (every 08xxx)
  '57P01': 'unavailable', // admin_shutdown
  '57P02': 'unavailable', // crash_shutdown
  '57P03': 'unavailable', // cannot_connect_now (starting up, recovering)
  '53300': 'unavailable', // too_many_connections
  '40001': 'contention', // serialization_failure
  '40P01': 'contention', // deadlock_detected
  '55P03': 'contention', // lock_not_available (lock_timeout)
  '57014': 'timeout', // query_canceled (statement_timeout; Sluice cancels nothing else)
};

/**
 * node-postgres' words for a connection it could not make or lost (these
 * errors carry no code), and pg-pool's for a connection not made within
 * connectionTimeoutMillis.
 */
const CONNECTION_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable/i;

function classOf(error: Error): PostgresErrorClass | undefined {
  const code = errorCode(error);
  if (code !== undefined) {
    const known =
      SQLSTATE_CLASSES[code] ??
      (code.length === 5 ? SQLSTATE_CLASSES[code.slice(0, 2)] : undefined);
    if (known) return known;
    if (SOCKET_ERROR_CODES.has(code)) return 'unavailable';
  }
  return CONNECTION_MESSAGES.test(error.message) ? 'unavailable' : undefined;
}

/** The class of a failure, looking through wrappers (`cause`): the first one that tells wins. */
export function postgresErrorClass(error: unknown): PostgresErrorClass {
  for (const e of errorChain(error)) {
    const found = classOf(e);
    if (found) return found;
  }
  return 'other';
}

/**
 * PostgreSQL cannot serve: for the postgres breaker (the apps pass it in),
 * the worker's hand-back decision, and discarding a pooled connection.
 */
export function isPostgresUnavailableError(error: unknown): boolean {
  return postgresErrorClass(error) === 'unavailable';
}

/** Worth running the same transaction again: unavailable, contention or timeout. */
export function isTransientDatabaseError(error: unknown): boolean {
  return postgresErrorClass(error) !== 'other';
}
