import { describe, expect, it } from 'vitest';
import { createApiMetrics } from './api-metrics.ts';
import { registerDbMetrics } from './db-metrics.ts';
import { createMetricsRegistry } from './registry.ts';
import { createWorkerMetrics } from './worker-metrics.ts';

const series = (text: string, name: string) =>
  text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));

describe('database query metrics', () => {
  it('count and time statements by operation and outcome, connection errors, and the pool max', async () => {
    const registry = createMetricsRegistry('worker');
    const observer = registerDbMetrics(registry, { poolMax: 12 });
    let text = await registry.metrics();
    expect(text).toContain('sluice_db_pool_max{process="worker"} 12');
    // Declared, and at 0 before the first error (a rate() sees the first one).
    expect(text).toContain('sluice_db_connection_errors_total{process="worker"} 0');
    expect(text).toContain('# TYPE sluice_db_query_duration_seconds histogram');
    observer.query('select', 'ok', 0.0004);
    observer.query('select', 'ok', 0.003);
    observer.query('merge', 'error', 2);
    observer.connectionError();
    text = await registry.metrics();
    expect(series(text, 'sluice_db_queries_total')).toEqual([
      'sluice_db_queries_total{operation="select",outcome="ok",process="worker"} 2',
      'sluice_db_queries_total{operation="merge",outcome="error",process="worker"} 1',
    ]);
    expect(text).toContain(
      'sluice_db_query_duration_seconds_bucket{le="0.0005",process="worker",operation="select",outcome="ok"} 1',
    );
    expect(text).toContain(
      'sluice_db_query_duration_seconds_bucket{le="0.005",process="worker",operation="select",outcome="ok"} 2',
    );
    expect(text).toContain(
      'sluice_db_query_duration_seconds_count{process="worker",operation="merge",outcome="error"} 1',
    );
    expect(text).toContain(
      'sluice_db_query_duration_seconds_sum{process="worker",operation="merge",outcome="error"} 2',
    );
    expect(text).toContain('sluice_db_connection_errors_total{process="worker"} 1');
  });
});

describe('API and worker histograms of issue 17', () => {
  it('cache operations by operation', async () => {
    const registry = createMetricsRegistry('api');
    const metrics = createApiMetrics(registry);
    metrics.cacheOperationDuration.observe({ operation: 'get' }, 0.0003);
    metrics.cacheOperationDuration.observe({ operation: 'set' }, 0.002);
    const text = await registry.metrics();
    expect(text).toContain(
      'sluice_cache_operation_duration_seconds_count{process="api",operation="get"} 1',
    );
    expect(text).toContain(
      'sluice_cache_operation_duration_seconds_bucket{le="0.0005",process="api",operation="get"} 1',
    );
    expect(text).toContain(
      'sluice_cache_operation_duration_seconds_count{process="api",operation="set"} 1',
    );
  });

  it('whole jobs by type and outcome, import merges, and errors by code and column type', async () => {
    const registry = createMetricsRegistry('worker');
    const metrics = createWorkerMetrics(registry);
    metrics.jobDuration.observe({ type: 'import', outcome: 'completed' }, 42);
    metrics.importMergeDuration.observe(1.5);
    metrics.normalizationErrors.inc({ code: 'invalid_email', column_type: 'email' }, 3);
    metrics.normalizationErrors.inc({ code: 'missing_required', column_type: 'none' });
    const text = await registry.metrics();
    expect(text).toContain(
      'sluice_job_duration_seconds_bucket{le="60",process="worker",type="import",outcome="completed"} 1',
    );
    expect(text).toContain(
      'sluice_job_duration_seconds_bucket{le="30",process="worker",type="import",outcome="completed"} 0',
    );
    expect(text).toContain('sluice_import_merge_duration_seconds_count{process="worker"} 1');
    expect(text).toContain('sluice_import_merge_duration_seconds_sum{process="worker"} 1.5');
    expect(series(text, 'sluice_normalization_errors_total')).toEqual([
      'sluice_normalization_errors_total{code="invalid_email",column_type="email",process="worker"} 3',
      'sluice_normalization_errors_total{code="missing_required",column_type="none",process="worker"} 1',
    ]);
  });
});
