import { claimChunk, createDatabase, migrateToLatest } from '@sluice/db';
import { createProcessLogger } from '@sluice/lifecycle';
import { createMetricsRegistry, createWorkerMetrics } from '@sluice/metrics';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { storeOneChunkJob } from '../test-helpers.ts';
import type { ChunkTask, ChunkTaskResult } from './chunk-task.ts';
import { normalizeChunk } from './normalize-chunk.ts';
import { createChunkProcessor, LockLostError } from './process-chunk.ts';

const handle = createDatabase({ url: inject('databaseUrl'), poolSize: 4 });
const { db } = handle;
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

function processor(runTask: (task: ChunkTask) => Promise<ChunkTaskResult>, workerId = 'worker-a') {
  return createChunkProcessor({
    db,
    runTask,
    metrics,
    logger: createProcessLogger({ process: 'worker', level: 'silent' }),
    workerId,
    maxColumns: 10,
    statementTimeoutMs: 5_000,
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
