import { errorChain } from '@sluice/util';
import type pg from 'pg';
import { isPostgresUnavailableError } from './postgres-errors.ts';

export interface ConnectRetry {
  /** Tries after the first failed one (0: none). */
  retries: number;
  /** Backoff before the first retry; the bound doubles each time up to `maxMs`, the wait drawn between `minMs` and it. */
  minMs: number;
  maxMs: number;
}

/** pg-pool's words when no connection (pool slot or new one) came within connectionTimeoutMillis. */
const POOL_TIMEOUT = /timeout exceeded when trying to connect/i;

/**
 * Worth connecting again: PostgreSQL refused, dropped or could not yet take
 * the connection. A wait for a pool slot that timed out is not (the pool is
 * busy; waiting again only doubles the wait), nor an authentication or
 * configuration error (the same answer every time).
 */
function worthRetrying(error: unknown): boolean {
  return (
    isPostgresUnavailableError(error) &&
    !(error instanceof Error && POOL_TIMEOUT.test(error.message))
  );
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Connect failures the retrying connect already retried (or chose not to): see `connectRetriesSpent`. */
const spent = new WeakSet<object>();

/**
 * The failure is a connect that `retryingConnect` already retried as far as
 * it would: a caller's own retry of the whole unit (retryTransient) would
 * only multiply the tries and their backoff during an outage.
 */
export function connectRetriesSpent(error: unknown): boolean {
  for (const e of errorChain(error)) if (spent.has(e)) return true;
  return false;
}

/**
 * Makes `pool.connect()` (kysely's and the raw clients' way in) retry failed
 * connects with backoff, and report every failed one to `failed` (the
 * callback form, pg-pool's own `pool.query`, is reported, not retried).
 * `mayRetry` is asked before each retry: false (the process' postgres
 * breaker open, or its trial in flight) ends the tries at once, so a call
 * that began before the breaker opened does not keep connecting after.
 * With retries configured, the failure a connect finally throws is marked
 * (`connectRetriesSpent`) so that no outer retry multiplies them.
 */
export function retryingConnect(
  pool: pg.Pool,
  retry: ConnectRetry,
  failed: () => void,
  mayRetry: () => boolean = () => true,
): void {
  const connect = pool.connect.bind(pool) as (
    callback?: (error: Error | undefined, client?: pg.PoolClient, done?: unknown) => void,
  ) => Promise<pg.PoolClient> | undefined;
  const withRetries = async (): Promise<pg.PoolClient> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return (await connect()) as pg.PoolClient;
      } catch (error) {
        failed();
        const retryable = worthRetrying(error);
        if (attempt >= retry.retries || !retryable || !mayRetry()) {
          if (retryable && retry.retries > 0 && error instanceof Error) spent.add(error);
          throw error;
        }
        const bound = Math.min(retry.maxMs, retry.minMs * 2 ** attempt);
        await sleep(retry.minMs + Math.random() * Math.max(0, bound - retry.minMs));
      }
    }
  };
  const replacement = (callback?: (error: Error | undefined, ...rest: unknown[]) => void) => {
    if (typeof callback !== 'function') return withRetries();
    return connect((error, ...rest) => {
      if (error) failed();
      callback(error, ...rest);
    });
  };
  (pool as unknown as { connect: typeof replacement }).connect = replacement;
}
