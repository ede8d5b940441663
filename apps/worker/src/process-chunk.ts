import {
  commitChunkResult,
  type Database,
  inTransaction,
  loadChunkWork,
  markJobRunning,
} from '@sluice/db';
import type { WorkerMetrics } from '@sluice/metrics';
import type { ColumnSpec, NormalizeOptions } from '@sluice/normalize';
import { normalizeChunkPayload } from '@sluice/queue';
import type { Job } from 'bullmq';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { ChunkTask, ChunkTaskResult } from './chunk-task.ts';

export interface ChunkProcessorDeps {
  db: Kysely<Database>;
  runTask: (task: ChunkTask) => Promise<ChunkTaskResult>;
  metrics: WorkerMetrics;
  logger: Logger;
  workerId: string;
  maxColumns: number;
  statementTimeoutMs: number;
}

export type ChunkOutcome = 'applied' | 'already-done' | 'job-gone' | 'job-final';

/**
 * One `normalize-chunk` job: load the stored chunk, normalize it in a thread,
 * then commit output + row errors + done-marker in one transaction. Safe to
 * run any number of times for the same chunk (BullMQ delivers at least once).
 */
export function createChunkProcessor(deps: ChunkProcessorDeps) {
  return async (job: Job): Promise<ChunkOutcome> => {
    const { jobId, seq } = normalizeChunkPayload.parse(job.data);
    const started = process.hrtime.bigint();
    const work = await loadChunkWork(deps.db, jobId, seq);
    if (!work) return 'job-gone';
    if (work.status === 'done') return 'already-done';
    if (work.jobStatus !== 'queued' && work.jobStatus !== 'running') return 'job-final';
    await markJobRunning(deps.db, jobId);

    const dialect = (work.options.dialect ?? {}) as { delimiter?: string };
    const result = await deps.runTask({
      data: work.data,
      firstRecord: work.firstRecord,
      recordCount: work.recordCount,
      columns: work.columns as ColumnSpec[],
      options: work.options as unknown as NormalizeOptions,
      maxColumns: deps.maxColumns,
      delimiter: dialect.delimiter ?? ',',
    });

    const applied = await inTransaction(
      deps.db,
      (trx) =>
        commitChunkResult(trx, {
          jobId,
          seq,
          output: Buffer.from(
            result.output.buffer,
            result.output.byteOffset,
            result.output.byteLength,
          ),
          rowsAccepted: result.rowsAccepted,
          rowsRejected: result.rowsRejected,
          rowsBlank: result.rowsBlank,
          errors: result.errors,
          processedBy: deps.workerId,
        }),
      {
        maxAttempts: 5,
        statementTimeoutMs: deps.statementTimeoutMs,
        onRetry: (err, attempt, delayMs) =>
          deps.logger.warn({ err, jobId, seq, attempt, delayMs }, 'retrying chunk commit'),
      },
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (!applied) {
      deps.metrics.chunkDuration.observe({ outcome: 'duplicate' }, seconds);
      return 'already-done';
    }
    deps.metrics.chunkDuration.observe({ outcome: 'applied' }, seconds);
    deps.metrics.rowsProcessed.inc({ outcome: 'accepted' }, result.rowsAccepted);
    deps.metrics.rowsProcessed.inc({ outcome: 'rejected' }, result.rowsRejected);
    deps.metrics.rowsProcessed.inc({ outcome: 'blank' }, result.rowsBlank);
    const byCode = new Map<string, number>();
    for (const e of result.errors) byCode.set(e.code, (byCode.get(e.code) ?? 0) + 1);
    for (const [code, n] of byCode) deps.metrics.normalizationErrors.inc({ code }, n);
    deps.logger.debug(
      { jobId, seq, ms: Math.round(seconds * 1000), accepted: result.rowsAccepted },
      'chunk applied',
    );
    return 'applied';
  };
}
