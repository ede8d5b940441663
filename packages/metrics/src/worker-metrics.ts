import { Counter, Histogram, type Registry } from 'prom-client';
import { createJobDurationHistogram } from './job-duration.ts';

export interface WorkerMetrics {
  chunkDuration: Histogram<'outcome'>;
  rowsProcessed: Counter<'outcome'>;
  /** Per-row errors by code and by the type of the column they are about (`none`: a row-level error). */
  normalizationErrors: Counter<'code' | 'column_type'>;
  jobsFinished: Counter<'type' | 'outcome'>;
  /** A finished job's whole time, submitted (its upload began) to final, by type and outcome. */
  jobDuration: Histogram<'type' | 'outcome'>;
  /** An import's final transaction: stage checked (refilled if need be), merged, job completed. */
  importMergeDuration: Histogram;
  /** Cells normalized, by column type (text, email, phone, ...: a bounded set). */
  rowsNormalized: Counter<'type'>;
  /** Rows the retention purge deleted, by table (jobs, job_chunks, job_row_errors, idempotent_requests). */
  rowsPurged: Counter<'table'>;
  /** Webhook delivery attempts, by outcome (delivered, retrying, failed, refused). */
  webhookDeliveries: Counter<'outcome'>;
  /** Time of one webhook delivery attempt (the HTTP request), by outcome. */
  webhookDeliveryDuration: Histogram<'outcome'>;
}

export function createWorkerMetrics(registry: Registry): WorkerMetrics {
  return {
    chunkDuration: new Histogram({
      name: 'sluice_chunk_duration_seconds',
      help: 'Time to load, normalize and commit one chunk, by outcome',
      labelNames: ['outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
    rowsProcessed: new Counter({
      name: 'sluice_rows_processed_total',
      help: 'Data rows committed, by outcome (accepted, rejected, blank)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    normalizationErrors: new Counter({
      name: 'sluice_normalization_errors_total',
      help: 'Per-row errors committed, by error code and the type of their column (none: a row-level error)',
      labelNames: ['code', 'column_type'],
      registers: [registry],
    }),
    jobsFinished: new Counter({
      name: 'sluice_jobs_finished_total',
      help: 'Jobs that reached a final state, by type and outcome',
      labelNames: ['type', 'outcome'],
      registers: [registry],
    }),
    jobDuration: createJobDurationHistogram(registry),
    importMergeDuration: new Histogram({
      name: 'sluice_import_merge_duration_seconds',
      help: "An import's final transaction (stage refilled if need be, upserted into its dataset, job completed; a dry run's count), whatever its outcome",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
      registers: [registry],
    }),
    rowsNormalized: new Counter({
      name: 'sluice_rows_normalized_total',
      help: 'Values normalized in committed chunks, by column type (one per row and column)',
      labelNames: ['type'],
      registers: [registry],
    }),
    rowsPurged: new Counter({
      name: 'sluice_retention_purged_rows_total',
      help: 'Rows the retention purge deleted (jobs finished over JOB_RETENTION_DAYS ago, Idempotency-Keys over 24 h old), by table',
      labelNames: ['table'],
      registers: [registry],
    }),
    webhookDeliveries: new Counter({
      name: 'sluice_webhook_deliveries_total',
      help: 'Webhook delivery attempts, by outcome (delivered, retrying, failed: out of attempts, refused: address not allowed)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    webhookDeliveryDuration: new Histogram({
      name: 'sluice_webhook_delivery_duration_seconds',
      help: 'Time of one webhook delivery attempt, from connecting to the answer, by outcome',
      labelNames: ['outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    }),
  };
}
