import { isFinal } from '@sluice/contract';
import {
  chunkPlan,
  claimChunk,
  commitChunkResult,
  type Database,
  type DatabaseHandle,
  type ErrorLimits,
  inClientTransaction,
  judgeDoneFirstChunk,
  loadChunkWork,
  loadJobPlan,
  markJobRunning,
} from '@sluice/db';
import type { Logger } from '@sluice/lifecycle';
import type { WorkerMetrics } from '@sluice/metrics';
import type { JobAttempt, NormalizeChunkPayload } from '@sluice/queue';
import type { Kysely } from 'kysely';
import { recordJobFinished } from '../job-finished.ts';
import type { ChunkTask, ChunkTaskResult } from './chunk-task.ts';
import { countErrorsByColumnType } from './error-column-types.ts';

export interface ChunkProcessorDeps {
  db: Kysely<Database>;
  /** The same database's pool: the chunk commit COPYs staged rows on its transaction's client. */
  pool: DatabaseHandle['pool'];
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
 * not-accepted: the job is still receiving (enqueued, not yet accepted) and
 * this is its flow's child: try again later (an early chunk job processes it
 * now). failed-job: applied, and its error rate failed the job.
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
 * An early chunk job (`early`, enqueued while the upload arrives) processes
 * a chunk of a job still receiving with the job's plan so far, read again
 * under its claim, and leaves the job's status and the first chunk's
 * error-rate verdict to the job's flow.
 *
 * `attempt.signal` is aborted when BullMQ could not renew the job's lock
 * (@sluice/queue's consumers cancel such attempts).
 */
export function createChunkProcessor(deps: ChunkProcessorDeps) {
  return async (
    { jobId, seq, early: earlyJob }: NormalizeChunkPayload,
    attempt: Pick<JobAttempt, 'bullJobId' | 'signal'>,
  ): Promise<ChunkOutcome> => {
    const { signal, bullJobId } = attempt;
    const early = earlyJob === true;
    // A first chunk done before its job was accepted (an early job) has its
    // error rate judged when the job's own flow comes to it.
    const alreadyDone = async (): Promise<ChunkOutcome> =>
      seq === 0 && !early && (await judgeDoneFirstChunk(deps.db, jobId, deps.errorLimits))
        ? 'failed-job'
        : 'already-done';
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
    if (work.status === 'done') return alreadyDone();
    if (isFinal(work.jobStatus)) return 'job-final';
    // The job's flow waits for acceptance; an early job processes the chunk now.
    if (work.jobStatus === 'receiving' && !early) return 'not-accepted';
    abandonIfLockLost();
    const claimed = await claimChunk(deps.db, jobId, seq, deps.workerId);
    if (claimed === undefined) return alreadyDone();
    let { columns, options } = work;
    let accepted = work.jobStatus !== 'receiving';
    if (!accepted) {
      // Read again under the claim: the plan so far may have changed since
      // the load, and a final plan written from now on fences this attempt.
      const plan = await loadJobPlan(deps.db, jobId);
      if (!plan) return 'job-gone';
      if (isFinal(plan.jobStatus)) return 'job-final';
      ({ columns, options } = plan);
      accepted = plan.jobStatus !== 'receiving';
    }
    // A job still receiving is not running yet: its flow marks it so.
    if (accepted) await markJobRunning(deps.db, jobId);

    let result: ChunkTaskResult;
    try {
      result = await deps.runTask(
        {
          data: work.data,
          firstRecord: work.firstRecord,
          recordCount: work.recordCount,
          columns,
          options,
          maxColumns: deps.maxColumns,
          delimiter: options.dialect.delimiter,
          quote: options.dialect.quote,
          stage: work.jobType === 'import' ? { seq } : undefined,
        },
        signal,
      );
    } catch (error) {
      abandonIfLockLost();
      throw error;
    }
    abandonIfLockLost();

    const outcome = await inClientTransaction(
      deps.pool,
      (trx, copy) =>
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
            plan: chunkPlan(columns, options),
            early,
            unique: result.unique,
          },
          deps.errorLimits,
          copy,
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
      return alreadyDone();
    }
    if (outcome === 'superseded') {
      // Another attempt claimed the chunk after us (we lost the BullMQ lock
      // and the chunk was re-delivered); its commit is the one that counts.
      // Or (an early job) the upload ended with another plan than ours.
      deps.metrics.chunkDuration.observe({ outcome: 'superseded' }, seconds);
      deps.logger.warn(
        { jobId, seq, attempt: claimed, bullJobId },
        early
          ? 'early chunk attempt superseded (a newer claim, or the final plan differs): result discarded'
          : 'chunk attempt superseded by a newer claim: result discarded',
      );
      return 'superseded';
    }
    deps.metrics.chunkDuration.observe({ outcome: 'applied' }, seconds);
    deps.metrics.rowsProcessed.inc({ outcome: 'accepted' }, result.rowsAccepted);
    deps.metrics.rowsProcessed.inc({ outcome: 'rejected' }, result.rowsRejected);
    deps.metrics.rowsProcessed.inc({ outcome: 'blank' }, result.rowsBlank);
    for (const { code, columnType, count } of countErrorsByColumnType(result.errors, columns)) {
      deps.metrics.normalizationErrors.inc({ code, column_type: columnType }, count);
    }
    for (const [type, n] of Object.entries(result.valuesByType)) {
      deps.metrics.rowsNormalized.inc({ type }, n);
    }
    if (outcome === 'failed-job') {
      await recordJobFinished(deps, jobId, work.jobType, 'failed');
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
