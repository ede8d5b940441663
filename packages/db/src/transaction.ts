import { type Kysely, sql, type Transaction } from 'kysely';
import { connectRetriesSpent } from './pool-connect.ts';
import { postgresErrorClass } from './postgres-errors.ts';
import type { Database } from './schema.ts';

export interface TransactionOptions extends RetryOptions {
  /** Server-side limit per statement; SET LOCAL, so it also works through PgBouncer. */
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
  /**
   * Ends the session if the transaction sits idle this long (SET LOCAL
   * idle_in_transaction_session_timeout): a transaction that waits on
   * something outside the database (a slow client) cannot keep a pooled
   * connection and its locks forever.
   */
  idleInTransactionTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RetryOptions {
  /** Total tries for transient failures. Only pass > 1 for idempotent units. */
  maxAttempts?: number;
  /**
   * Total tries when the failure is a statement timeout, at most maxAttempts
   * (the default): a try that times out has cost the whole timeout, minutes
   * for an import's merge.
   */
  maxTimeoutAttempts?: number;
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
      const kind = postgresErrorClass(error);
      const limit =
        kind === 'timeout'
          ? Math.min(maxAttempts, options.maxTimeoutAttempts ?? maxAttempts)
          : maxAttempts;
      // A connect that failed after its own retries (pool-connect.ts) is
      // not tried again here: tries would multiply during an outage.
      if (kind === 'other' || attempt >= limit || connectRetriesSpent(error)) throw error;
      const delay = Math.random() * Math.min(10_000, baseDelay * 2 ** (attempt - 1));
      options.onRetry?.(error, attempt, delay);
      await sleep(delay);
    }
  }
}

/** The timeouts to SET LOCAL, as [setting, milliseconds]. */
function localSettings(options: TransactionOptions): Array<[string, number]> {
  const settings: Array<[string, number | undefined]> = [
    ['statement_timeout', options.statementTimeoutMs],
    ['idle_in_transaction_session_timeout', options.idleInTransactionTimeoutMs],
    ['lock_timeout', options.lockTimeoutMs],
  ];
  return settings.filter((s): s is [string, number] => s[1] !== undefined);
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
        const settings = localSettings(options);
        if (settings.length > 0) {
          // One round trip for all of them (each is SET LOCAL: this transaction only).
          await sql`select ${sql.join(
            settings.map(([name, ms]) => sql`set_config(${name}, ${String(ms)}, true)`),
          )}`.execute(trx);
        }
        return work(trx);
      }),
    options,
  );
}
