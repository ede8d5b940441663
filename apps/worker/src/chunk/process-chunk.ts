import { isFinal } from '@sluice/contract';
import {
  claimChunk,
  commitChunkResult,
  type Database,
  type ErrorLimits,
  inTransaction,
  loadChunkWork,
  markJobRunning,
} from '@sluice/db';
import type { Logger } from '@sluice/lifecycle';
import type { WorkerMetrics } from '@sluice/metrics';
import type { JobAttempt, NormalizeChunkPayload } from '@sluice/queue';
import type { Kysely } from 'kysely';
import type { ChunkTask, ChunkTaskResult } from './chunk-task.ts';

export interface ChunkProcessorDeps {
  db: Kysely<Database>;
  /** Runs a task in a thread; the signal aborts it (lock lost). */
  runTask: (task: ChunkTask, signal?: AbortSignal) => Promise<ChunkTaskResult>;
  metrics: WorkerMetrics;
  logger: Logger;
  workerId: string;
  maxColumns: number;
  statementTimeoutMs: number;
  /** Row errors stored per job, and the first chunk's error-rate rule. */
  errorLimits: ErrorLimits;
}

/**
 * not-accepted: the job is still receiving (enqueued, not yet accepted): try
 * again later. failed-job: applied, and its error rate failed the job.
 */
export type ChunkOutcome =
  | 'applied'
  | 'failed-job'
  | 'already-done'
  | 'superseded'
  | 'job-gone'
  | 'job-final'
  | 'not-accepted';

/** Thrown when BullMQ reported this job's lock lost: the attempt stops without committing. */
export class LockLostError extends Error {
  override name = 'LockLostError';
}

/**
 * One `normalize-chunk` job: claim the chunk in PostgreSQL (attempt number =
 * fencing token), load it, normalize it in a thread, then commit output + row
 * errors + done-marker in one transaction that only succeeds while this
 * attempt is still the chunk's latest claim. Safe to run any number of times
 * for the same chunk (BullMQ delivers at least once), and a stale attempt
 * (lost its lock, chunk re-delivered elsewhere) cannot commit.
 *
 * `attempt.signal` is aborted when BullMQ could not renew the job's lock
 * (@sluice/queue's consumers cancel such attempts).
 */
export function createChunkProcessor(deps: ChunkProcessorDeps) {
  return async (
    { jobId, seq }: NormalizeChunkPayload,
    attempt: Pick<JobAttempt, 'bullJobId' | 'signal'>,
  ): Promise<ChunkOutcome> => {
    const { signal, bullJobId } = attempt;
    const started = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
    const abandonIfLockLost = () => {
      if (!signal?.aborted) return;
      deps.metrics.chunkDuration.observe({ outcome: 'lock-lost' }, elapsed());
      deps.logger.warn(
        { jobId, seq, bullJobId },
        'chunk lock lost: abandoning this attempt without committing',
      );
      throw new LockLostError(`lock lost for chunk ${seq} of job ${jobId}`);
    };
    const work = await loadChunkWork(deps.db, jobId, seq);
    if (!work) return 'job-gone';
    if (work.status === 'done') return 'already-done';
    if (isFinal(work.jobStatus)) return 'job-final';
    if (work.jobStatus === 'receiving') return 'not-accepted';
    abandonIfLockLost();
    const claimed = await claimChunk(deps.db, jobId, seq, deps.workerId);
    if (claimed === undefined) return 'already-done';
    await markJobRunning(deps.db, jobId);

    let result: ChunkTaskResult;
    try {
      result = await deps.runTask(
        {
          data: work.data,
          firstRecord: work.firstRecord,
          recordCount: work.recordCount,
          columns: work.columns,
          options: work.options,
          maxColumns: deps.maxColumns,
          delimiter: work.options.dialect.delimiter,
          stage: work.jobType === 'import',
        },
        signal,
      );
    } catch (error) {
      abandonIfLockLost();
      throw error;
    }
    abandonIfLockLost();

    const outcome = await inTransaction(
      deps.db,
      (trx) =>
        commitChunkResult(
          trx,
          {
            jobId,
            seq,
            attempt: claimed,
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
            staged: result.staged,
          },
          deps.errorLimits,
        ),
      {
        maxAttempts: 5,
        statementTimeoutMs: deps.statementTimeoutMs,
        onRetry: (err, attempt, delayMs) =>
          deps.logger.warn({ err, jobId, seq, attempt, delayMs }, 'retrying chunk commit'),
      },
    );
    const seconds = elapsed();
    if (outcome === 'missing') return 'job-gone';
    if (outcome === 'already-done') {
      deps.metrics.chunkDuration.observe({ outcome: 'duplicate' }, seconds);
      return 'already-done';
    }
    if (outcome === 'superseded') {
      // Another attempt claimed the chunk after us (we lost the BullMQ lock
      // and the chunk was re-delivered); its commit is the one that counts.
      deps.metrics.chunkDuration.observe({ outcome: 'superseded' }, seconds);
      deps.logger.warn(
        { jobId, seq, attempt: claimed, bullJobId },
        'chunk attempt superseded by a newer claim: result discarded',
      );
      return 'superseded';
    }
    deps.metrics.chunkDuration.observe({ outcome: 'applied' }, seconds);
    deps.metrics.rowsProcessed.inc({ outcome: 'accepted' }, result.rowsAccepted);
    deps.metrics.rowsProcessed.inc({ outcome: 'rejected' }, result.rowsRejected);
    deps.metrics.rowsProcessed.inc({ outcome: 'blank' }, result.rowsBlank);
    const byCode = new Map<string, number>();
    for (const e of result.errors) byCode.set(e.code, (byCode.get(e.code) ?? 0) + 1);
    for (const [code, n] of byCode) deps.metrics.normalizationErrors.inc({ code }, n);
    for (const [type, n] of Object.entries(result.valuesByType)) {
      deps.metrics.rowsNormalized.inc({ type }, n);
    }
    if (outcome === 'failed-job') {
      deps.metrics.jobsFinished.inc({ type: work.jobType, outcome: 'failed' });
      deps.logger.info(
        { jobId, seq, accepted: result.rowsAccepted, rejected: result.rowsRejected },
        'job failed: its first chunk rejected too many rows (error_rate_exceeded)',
      );
      return 'failed-job';
    }
    deps.logger.debug(
      { jobId, seq, ms: Math.round(seconds * 1000), accepted: result.rowsAccepted },
      'chunk applied',
    );
    return 'applied';
  };
}
