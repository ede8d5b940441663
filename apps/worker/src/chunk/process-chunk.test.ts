import { claimChunk, createDatabase, migrateToLatest } from '@sluice/db';
import { createProcessLogger } from '@sluice/lifecycle';
import { createMetricsRegistry, createWorkerMetrics } from '@sluice/metrics';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { storeOneChunkJob } from '../test-helpers.ts';
import type { ChunkTask, ChunkTaskResult } from './chunk-task.ts';
import { normalizeChunk } from './normalize-chunk.ts';
import { createChunkProcessor, LockLostError } from './process-chunk.ts';

const handle = createDatabase({ url: inject('databaseUrl'), poolSize: 4 });
const { db, pool } = handle;
const registry = createMetricsRegistry('worker');
const metrics = createWorkerMetrics(registry);

beforeAll(() => migrateToLatest(db));
afterAll(() => handle.close());

const chunkRow = (id: string) =>
  db
    .selectFrom('job_chunks')
    .select(['status', 'attempt', 'processed_by'])
    .where('job_id', '=', id)
    .executeTakeFirstOrThrow();

const NO_FAIL_FAST = { minRows: 1, maxRate: 1 };

function processor(
  runTask: (task: ChunkTask) => Promise<ChunkTaskResult>,
  workerId = 'worker-a',
  failFast = NO_FAIL_FAST,
) {
  return createChunkProcessor({
    db,
    pool,
    runTask,
    metrics,
    logger: createProcessLogger({ process: 'worker', level: 'silent' }),
    workerId,
    maxColumns: 10,
    statementTimeoutMs: 5_000,
    errorLimits: { maxStoredPerJob: 1000, failFast },
  });
}
/** The first chunk of a job, as @sluice/queue's consumer hands it over. */
const firstChunk = (jobId: string) => ({ jobId, seq: 0 });
const attempt = (jobId: string, signal?: AbortSignal) => ({
  bullJobId: `chunk-${jobId}-0`,
  signal,
});

describe('chunk processor fencing', () => {
  it('discards the result of an attempt another worker claimed meanwhile', async () => {
    const id = await storeOneChunkJob(db, ['a', 'b']);
    const stale = processor(async (task) => {
      // Worker B takes the chunk while A is still normalizing (A lost its lock).
      expect(await claimChunk(db, id, 0, 'worker-b')).toBe(2);
      return normalizeChunk(task);
    });
    expect(await stale(firstChunk(id), attempt(id))).toBe('superseded');
    expect(await chunkRow(id)).toMatchObject({ status: 'pending', attempt: 2 });
    expect(await registry.getSingleMetricAsString('sluice_chunk_duration_seconds')).toMatch(
      /sluice_chunk_duration_seconds_count\{[^}]*outcome="superseded"\} 1/,
    );
    // A fresh attempt (a new claim) commits.
    expect(
      await processor(async (t) => normalizeChunk(t), 'worker-c')(firstChunk(id), attempt(id)),
    ).toBe('applied');
    expect(await chunkRow(id)).toMatchObject({ status: 'done', processed_by: 'worker-c' });
  });

  it('abandons an attempt whose BullMQ lock was lost before committing', async () => {
    const id = await storeOneChunkJob(db, ['a', 'b']);
    const controller = new AbortController();
    const run = processor(async (task) => {
      controller.abort('lock lost');
      return normalizeChunk(task);
    });
    await expect(run(firstChunk(id), attempt(id, controller.signal))).rejects.toBeInstanceOf(
      LockLostError,
    );
    expect(await chunkRow(id)).toMatchObject({ status: 'pending', attempt: 1 });
  });
});

describe('chunk processor error rate', () => {
  const jobRow = (id: string) =>
    db
      .selectFrom('jobs')
      .select(['status', 'error_code', 'error', 'error_rows_stored'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  const failFast = { minRows: 4, maxRate: 0.5 };
  const run = (id: string) =>
    processor(async (t) => normalizeChunk(t), 'worker-a', failFast)(firstChunk(id), attempt(id));

  it('fails the job when its first chunk rejects more rows than allowed, keeping its errors', async () => {
    // One column: rows of two fields are rejected (column_count_mismatch).
    const id = await storeOneChunkJob(db, ['a,b', 'c,d', 'e,f', 'ok', 'g,h']);
    expect(await run(id)).toBe('failed-job');
    const job = await jobRow(id);
    expect(job).toMatchObject({ status: 'failed', error_code: 'error_rate_exceeded' });
    expect(job.error_rows_stored).toBe(4);
    expect(job.error).toContain('4 of the first 5 rows (80%) were rejected');
    expect(job.error).toContain('column_count_mismatch (4)');
    expect(await chunkRow(id)).toMatchObject({ status: 'done' });
    expect(await registry.getSingleMetricAsString('sluice_jobs_finished_total')).toMatch(
      /sluice_jobs_finished_total\{[^}]*outcome="failed"[^}]*\} 1/,
    );
  });

  it('leaves a job alone at or below the rate, or with too few rows to judge', async () => {
    const half = await storeOneChunkJob(db, ['a,b', 'c,d', 'ok', 'fine']);
    expect(await run(half)).toBe('applied');
    expect(await jobRow(half)).toMatchObject({ status: 'running', error_code: null });
    const few = await storeOneChunkJob(db, ['a,b', 'c,d', 'e,f', '', '']);
    expect(await run(few)).toBe('applied');
    expect(await jobRow(few)).toMatchObject({ status: 'running', error_code: null });
  });
});
