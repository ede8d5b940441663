import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { type ConnectRetry, retryingConnect } from './pool-connect.ts';
import { isPostgresUnavailableError } from './postgres-errors.ts';
import { type DatabaseObserver, observeClient } from './query-observer.ts';
import type { Database } from './schema.ts';

export interface DatabaseOptions {
  url: string;
  /** The pool's maximum (DATABASE_POOL_SIZE). */
  poolSize?: number;
  /** Connections kept open when idle (DATABASE_POOL_MIN; default 0). */
  minConnections?: number;
  /** An idle connection above the minimum is closed after this (default 30 s; 0: never). */
  idleTimeoutMs?: number;
  /** Longest wait for a pool slot and the connection itself (default 10 s). */
  connectTimeoutMs?: number;
  /** Statements per connection before it is replaced (default: no limit). */
  maxUses?: number | undefined;
  /** Failed connects tried again (default: none), with backoff between the bounds. */
  connectRetries?: number;
  connectRetryMinMs?: number;
  connectRetryMaxMs?: number;
  /** Shown in pg_stat_activity, so an operator can tell API from worker connections. */
  applicationName?: string;
  /**
   * Idle clients can fail (server restart, network). node-postgres emits that on
   * the pool, and an unhandled 'error' event would crash the process.
   */
  onPoolError?: (error: Error) => void;
}

export interface DatabaseHandle {
  db: Kysely<Database>;
  pool: pg.Pool;
  /** The pool's configured maximum (for sluice_db_pool_max and /health). */
  poolMax: number;
  /**
   * Reports every statement (kind or named operation, outcome, time) and
   * every connection failure to `observer` from now on (the process' query
   * metrics; set once the metrics registry exists).
   */
  observe(observer: DatabaseObserver): void;
  /**
   * Failed connects are retried (DATABASE_CONNECT_RETRIES) only while
   * `gate` says so: the apps pass their postgres breaker's allowsCalls, so
   * once it opens no call keeps connecting, and its probe tries once.
   */
  retryConnectsWhile(gate: () => boolean): void;
  close(): Promise<void>;
}

const INT8_OID = 20;

/**
 * Counts and byte sizes are bigint in SQL but far below 2^53 in practice; read
 * them as numbers. Done per pool (not via the global pg.types) so no other pg
 * user in the process is affected.
 */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/**
 * The pool as kysely sees it. kysely releases clients without the error that
 * broke them, so pg-pool would put a client back in the idle list if its
 * socket had not noticed yet (the server's error arrives before the close).
 * Here each checked-out client remembers a connection-breaking error (from a
 * query or its 'error' event; for a query, an error that says PostgreSQL is
 * unavailable: the session ended or the socket died, while a timed-out or
 * cancelled query (57014) leaves a usable connection) and is released WITH it, which makes pg-pool
 * destroy it instead of handing it to the next caller. The 'error' listener
 * matters on its own: pg-pool listens only to idle clients, and a checked-out
 * client whose socket dies emits 'error', which unheard crashes the process.
 */
function discardingBrokenClients(pool: pg.Pool): pg.Pool {
  interface Checkout {
    proxy: pg.PoolClient;
    broken: Error | undefined;
  }
  // One proxy per client (kysely caches its connection wrapper per object).
  const checkouts = new WeakMap<pg.PoolClient, Checkout>();

  function proxyFor(client: pg.PoolClient): Checkout {
    const state: Checkout = { proxy: client, broken: undefined };
    const remember = (error: unknown) => {
      if (isPostgresUnavailableError(error)) state.broken ??= error as Error;
    };
    client.on('error', (error) => {
      state.broken ??= error;
    });
    const query = ((...args: Parameters<pg.PoolClient['query']>) => {
      const result = (client.query as (...a: unknown[]) => unknown)(...args);
      if (result instanceof Promise) {
        return result.catch((error: unknown) => {
          remember(error);
          throw error;
        });
      }
      return result;
    }) as pg.PoolClient['query'];
    const release = (error?: Error | boolean) => {
      const broken = state.broken;
      state.broken = undefined;
      // kysely passes false normally and true for a connection it gave up on.
      client.release(error === true || error instanceof Error ? error : broken);
    };
    state.proxy = new Proxy(client, {
      get(target, property) {
        if (property === 'query') return query;
        if (property === 'release') return release;
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    return state;
  }

  const connect = async (): Promise<pg.PoolClient> => {
    const client = await pool.connect();
    let state = checkouts.get(client);
    if (!state) {
      state = proxyFor(client);
      checkouts.set(client, state);
    }
    state.broken = undefined;
    return state.proxy;
  };
  return new Proxy(pool, {
    get(target, property) {
      if (property === 'connect') return connect;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export function createDatabase(options: DatabaseOptions): DatabaseHandle {
  const poolMax = options.poolSize ?? 10;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: poolMax,
    min: options.minConnections ?? 0,
    application_name: options.applicationName ?? 'sluice',
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    idleTimeoutMillis: options.idleTimeoutMs ?? 30_000,
    ...(options.maxUses === undefined ? {} : { maxUses: options.maxUses }),
    types,
  });
  pool.on('error', (error) => options.onPoolError?.(error));
  let observer: DatabaseObserver | undefined;
  let retryGate: () => boolean = () => true;
  // Every new connection, whoever checks it out (kysely, raw clients, COPY).
  pool.on('connect', (client) => observeClient(client, () => observer));
  retryingConnect(
    pool,
    {
      retries: options.connectRetries ?? 0,
      minMs: options.connectRetryMinMs ?? 100,
      maxMs: options.connectRetryMaxMs ?? 2_000,
    } satisfies ConnectRetry,
    () => observer?.connectionError(),
    () => retryGate(),
  );
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: discardingBrokenClients(pool) }),
  });
  let closed: Promise<void> | undefined;
  return {
    db,
    pool,
    poolMax,
    observe(next) {
      observer = next;
    },
    retryConnectsWhile(gate) {
      retryGate = gate;
    },
    // kysely's destroy() ends the pool, but only once kysely has used it:
    // a handle used only through raw clients ends it here. Guarded so
    // double-close is harmless.
    close: () => {
      closed ??= db.destroy().then(() => (pool.ended ? undefined : pool.end()));
      return closed;
    },
  };
}
