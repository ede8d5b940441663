import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * What @sluice/db reports to (its DatabaseObserver, matched by shape: this
 * package imports no database code). `operation` is a bounded set (the
 * statement's kind, or a named unit such as `merge`), never SQL text.
 */
export interface DbQueryObserver {
  query(operation: string, outcome: 'ok' | 'error', seconds: number): void;
  connectionError(): void;
}

/** Statements take from well under a millisecond to an import's minutes-long merge. */
const QUERY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300,
];

/**
 * `sluice_db_queries_total` and `sluice_db_query_duration_seconds` by
 * operation and outcome, `sluice_db_connection_errors_total`, and
 * `sluice_db_pool_max` (the pool's configured maximum, beside
 * sluice_db_pool_connections). Returns the observer to give the database
 * handle (`observe`).
 *
 * Every statement of the process passes here, the import's hot path
 * included: about a microsecond each (measured: docs/operations.md), against
 * a statement's round trip of a hundred or more.
 */
export function registerDbMetrics(
  registry: Registry,
  options: { poolMax: number },
): DbQueryObserver {
  const queries = new Counter({
    name: 'sluice_db_queries_total',
    help: 'PostgreSQL statements by operation (select, insert, update, delete, copy, transaction, other; merge: every statement of an import merge) and outcome (ok, error)',
    labelNames: ['operation', 'outcome'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'sluice_db_query_duration_seconds',
    help: 'PostgreSQL statement time, sent to answered (a COPY: to its stream end), by operation and outcome',
    labelNames: ['operation', 'outcome'],
    buckets: QUERY_BUCKETS,
    registers: [registry],
  });
  const connectionErrors = new Counter({
    name: 'sluice_db_connection_errors_total',
    help: 'PostgreSQL connects that failed (each try) and connections that reported an error (idle or in use)',
    registers: [registry],
  });
  new Gauge({
    name: 'sluice_db_pool_max',
    help: 'The PostgreSQL pool’s configured maximum of connections (DATABASE_POOL_SIZE)',
    registers: [registry],
  }).set(options.poolMax);
  // Started at 0 so a rate() sees the first error.
  connectionErrors.inc(0);

  return {
    query(operation, outcome, seconds) {
      const labels = { operation, outcome };
      queries.inc(labels);
      duration.observe(labels, seconds);
    },
    connectionError() {
      connectionErrors.inc();
    },
  };
}
