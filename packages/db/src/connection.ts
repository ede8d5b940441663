import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

export interface DatabaseOptions {
  url: string;
  poolSize?: number;
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

export function createDatabase(options: DatabaseOptions): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'sluice',
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    types,
  });
  pool.on('error', (error) => options.onPoolError?.(error));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let closed: Promise<void> | undefined;
  return {
    db,
    pool,
    // kysely's destroy() ends the pool; guard so double-close is harmless.
    close: () => {
      closed ??= db.destroy();
      return closed;
    },
  };
}
