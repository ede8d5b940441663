import { createDatabase, DEFAULT_TENANT_ID, getJob, migrateToLatest } from '@sluice/db';
import { createProcessLogger } from '@sluice/lifecycle';
import { createMetricsRegistry, createWorkerMetrics } from '@sluice/metrics';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createChunkFailureHandler } from './chunk-failure.ts';
import { storeOneChunkJob } from './test-helpers.ts';

const handle = createDatabase({ url: inject('databaseUrl'), poolSize: 2 });
const registry = createMetricsRegistry('worker');
const onFailure = createChunkFailureHandler({
  db: handle.db,
  metrics: createWorkerMetrics(registry),
  logger: createProcessLogger({ process: 'worker', level: 'silent' }),
});

beforeAll(() => migrateToLatest(handle.db));
afterAll(() => handle.close());

const failure = (jobId: string, attemptsMade: number) => ({
  name: 'normalize-chunk' as const,
  bullJobId: `chunk-${jobId}-4`,
  payload: { jobId, seq: 4 },
  attemptsMade,
  attempts: 8,
  final: attemptsMade >= 8,
});

describe('createChunkFailureHandler', () => {
  it('leaves the job alone while the chunk has attempts left', async () => {
    const id = await storeOneChunkJob(handle.db, ['x']);
    await onFailure(failure(id, 3), new Error('boom'));
    expect(await getJob(handle.db, DEFAULT_TENANT_ID, id)).toMatchObject({
      status: 'queued',
      error: null,
    });
  });

  it("fails the job when the chunk's last attempt failed, saying which chunk and why", async () => {
    const id = await storeOneChunkJob(handle.db, ['x']);
    await onFailure(failure(id, 8), new Error('thread crashed'));
    expect(await getJob(handle.db, DEFAULT_TENANT_ID, id)).toMatchObject({
      status: 'failed',
      error: 'chunk 4 failed after 8 attempts: thread crashed',
    });
    expect(await registry.getSingleMetricAsString('sluice_jobs_finished_total')).toMatch(
      /type="normalize",outcome="failed"[^\n]*\} 1/,
    );
    // A job final already stays as it is (and is not counted twice).
    await onFailure(failure(id, 8), new Error('again'));
    expect((await getJob(handle.db, DEFAULT_TENANT_ID, id))?.error).toMatch(/thread crashed/);
    expect(await registry.getSingleMetricAsString('sluice_jobs_finished_total')).toMatch(
      /type="normalize",outcome="failed"[^\n]*\} 1/,
    );
  });
});
