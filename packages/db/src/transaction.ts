import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from './schema.ts';

export interface TransactionOptions extends RetryOptions {
  /** Server-side limit per statement; SET LOCAL, so it also works through PgBouncer. */
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
}

/**
 * SQLSTATEs worth another try: the same unit of work can succeed once the
 * conflict, overload or restart has passed. Data, constraint and syntax errors
 * (22, 23, 42) and query_canceled (57014, our own statement timeout) are
 * deliberately absent: retrying them only repeats the failure.
 */
const TRANSIENT_SQLSTATES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available (lock_timeout)
  '53300', // too_many_connections
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up / recovering)
]);

const TRANSIENT_NODE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);

export function isTransientDatabaseError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (TRANSIENT_SQLSTATES.has(code) || code.startsWith('08')) return true;
    if (TRANSIENT_NODE_CODES.has(code)) return true;
  }
  // node-postgres reports a dropped socket without a code.
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(
    error.message,
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RetryOptions {
  /** Total tries for transient failures. Only pass > 1 for idempotent units. */
  maxAttempts?: number;
  baseDelayMs?: number;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Runs `unit` again after a transient database failure, with exponential
 * backoff and full jitter, up to `maxAttempts` tries in all. The unit must be
 * a whole transaction (or otherwise idempotent): a retry repeats all of it.
 */
export async function retryTransient<T>(
  unit: () => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 1;
  const baseDelay = options.baseDelayMs ?? 100;
  for (let attempt = 1; ; attempt++) {
    try {
      return await unit();
    } catch (error) {
      if (attempt >= maxAttempts || !isTransientDatabaseError(error)) throw error;
      const delay = Math.random() * Math.min(10_000, baseDelay * 2 ** (attempt - 1));
      options.onRetry?.(error, attempt, delay);
      await sleep(delay);
    }
  }
}

/**
 * Runs `work` in a transaction with server-side timeouts, retrying transient
 * failures with exponential backoff and full jitter.
 */
export async function inTransaction<T>(
  db: Kysely<Database>,
  work: (trx: Transaction<Database>) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  return retryTransient(
    () =>
      db.transaction().execute(async (trx) => {
        if (options.statementTimeoutMs !== undefined) {
          await sql`select set_config('statement_timeout', ${String(options.statementTimeoutMs)}, true)`.execute(
            trx,
          );
        }
        if (options.lockTimeoutMs !== undefined) {
          await sql`select set_config('lock_timeout', ${String(options.lockTimeoutMs)}, true)`.execute(
            trx,
          );
        }
        return work(trx);
      }),
    options,
  );
}
