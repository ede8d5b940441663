import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import type pg from 'pg';
import { connectRetriesSpent } from './pool-connect.ts';
import { postgresErrorClass } from './postgres-errors.ts';
import { copyIn, withRawClient } from './raw-client.ts';
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

/** The transaction's timeouts, in one round trip (each is SET LOCAL: this transaction only). */
async function setLocal(trx: Transaction<Database>, options: TransactionOptions): Promise<void> {
  const settings = localSettings(options);
  if (settings.length === 0) return;
  await sql`select ${sql.join(
    settings.map(([name, ms]) => sql`set_config(${name}, ${String(ms)}, true)`),
  )}`.execute(trx);
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
        await setLocal(trx, options);
        return work(trx);
      }),
    options,
  );
}

/**
 * Runs a COPY ... FROM STDIN with `data` as its input on the connection of
 * the transaction it was handed with (inClientTransaction).
 */
export type CopyIn = (statement: string, data: Uint8Array) => Promise<void>;

/**
 * inTransaction on one raw pooled client, for a unit that also needs what
 * kysely cannot do on the same connection (COPY): kysely is bound to the
 * client for the transaction, `copyIn` runs on it.
 */
export async function inClientTransaction<T>(
  pool: pg.Pool,
  work: (trx: Transaction<Database>, copy: CopyIn) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  return retryTransient(
    () =>
      withRawClient(pool, (client) =>
        onClient(client)
          .transaction()
          .execute(async (trx) => {
            await setLocal(trx, options);
            return work(trx, (statement, data) => copyIn(client, statement, data));
          }),
      ),
    options,
  );
}

/**
 * A kysely instance whose only connection is `client` (already checked out:
 * releasing it is the caller's business, withRawClient's here).
 */
function onClient(client: pg.PoolClient): Kysely<Database> {
  const held = { query: client.query.bind(client), release: () => {} };
  return new Kysely<Database>({
    dialect: new PostgresDialect({
      // `options`: only for cancelling a query from another connection, which nothing here does.
      pool: { connect: async () => held, end: async () => {}, options: {} },
    }),
  });
}
