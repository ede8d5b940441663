import { Counter, Histogram, type Registry } from 'prom-client';
import { createJobDurationHistogram } from './job-duration.ts';

export interface ApiMetrics {
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  uploadedBytes: Counter;
  jobsSubmitted: Counter<'type'>;
  jobsCancelled: Counter<'type'>;
  jobsRetried: Counter<'type'>;
  /** A job the API finished (a client's cancel): its whole time, outcome `cancelled`. */
  jobDuration: Histogram<'type' | 'outcome'>;
  rateLimited: Counter<'budget'>;
  cacheRequests: Counter<'cache' | 'result'>;
  /** Time of one Redis cache call (get, set, delete), whatever its result. */
  cacheOperationDuration: Histogram<'operation'>;
}

/** `route` is the matched route template (bounded), never the raw path. */
export function createApiMetrics(registry: Registry): ApiMetrics {
  return {
    httpRequests: new Counter({
      name: 'sluice_http_requests_total',
      help: 'HTTP requests by route template, method and status code',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'sluice_http_request_duration_seconds',
      help: 'HTTP request duration by route template, method and status code',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    uploadedBytes: new Counter({
      name: 'sluice_upload_bytes_total',
      help: 'CSV bytes accepted by uploads',
      registers: [registry],
    }),
    jobsSubmitted: new Counter({
      name: 'sluice_jobs_submitted_total',
      help: 'Jobs accepted (202) by type',
      labelNames: ['type'],
      registers: [registry],
    }),
    jobsCancelled: new Counter({
      name: 'sluice_jobs_cancelled_total',
      help: 'Jobs cancelled by their clients, by type',
      labelNames: ['type'],
      registers: [registry],
    }),
    jobsRetried: new Counter({
      name: 'sluice_jobs_retried_total',
      help: 'Failed or cancelled jobs put back in the queue by their clients, by type',
      labelNames: ['type'],
      registers: [registry],
    }),
    jobDuration: createJobDurationHistogram(registry),
    rateLimited: new Counter({
      name: 'sluice_rate_limited_total',
      help: 'Requests refused with 429 rate_limited, by budget (submissions, reads)',
      labelNames: ['budget'],
      registers: [registry],
    }),
    cacheRequests: new Counter({
      name: 'sluice_cache_requests_total',
      help: 'Read-through cache lookups by cache and result (hit, miss, error = Redis unavailable, served from PostgreSQL)',
      labelNames: ['cache', 'result'],
      registers: [registry],
    }),
    cacheOperationDuration: new Histogram({
      name: 'sluice_cache_operation_duration_seconds',
      help: 'Redis cache calls (the job status cache), sent to answered or failed, by operation (get, set, delete)',
      labelNames: ['operation'],
      buckets: [0.0002, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}
