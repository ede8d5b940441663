import {
  type Database,
  type DatabaseHandle,
  type ErrorLimits,
  finalizeImportJob,
  finalizeJob,
  getJobType,
  inTransaction,
  judgeDoneFirstChunk,
  markJobFailed,
  postgresErrorClass,
  withQueryOperation,
} from '@sluice/db';
import type { Logger } from '@sluice/lifecycle';
import type { WorkerMetrics } from '@sluice/metrics';
import type { FinalizeJobPayload } from '@sluice/queue';
import type { Kysely } from 'kysely';
import { recordJobFinished } from './job-finished.ts';

export interface FinalizerDeps {
  db: Kysely<Database>;
  /** Import merges COPY through a raw pooled client. */
  pool: DatabaseHandle['pool'];
  metrics: WorkerMetrics;
  logger: Logger;
  statementTimeoutMs: number;
  importStatementTimeoutMs: number;
  /** Tries of a merge that its statement timeout cancels, before the job fails. */
  importTimeoutAttempts: number;
  /** The first chunk's error-rate rule (judged here too: see below). */
  errorLimits: ErrorLimits;
}

/**
 * The flow's parent job: BullMQ runs it once every chunk job has completed.
 * Commits the job's final statistics exactly once (row lock + status check);
 * for an import job, in the same transaction, merges the accepted rows into
 * the dataset. PostgreSQL, not Redis, decides whether every chunk is done.
 */
export function createFinalizer(deps: FinalizerDeps) {
  const retry = {
    maxAttempts: 5,
    onRetry: (err: unknown, attempt: number, delayMs: number) =>
      deps.logger.warn({ err, attempt, delayMs }, 'retrying job finalization'),
  };

  async function finalizeImport(jobId: string) {
    const mergeStarted = process.hrtime.bigint();
    const mergeSeconds = () => Number(process.hrtime.bigint() - mergeStarted) / 1e9;
    try {
      // Every statement of the merge is `merge` in the query metrics.
      const result = await withQueryOperation('merge', () =>
        finalizeImportJob(deps.pool, jobId, {
          ...retry,
          // A merge cancelled by its statement timeout may have waited on a
          // lock that has passed since: tried again, but each try may cost the
          // whole timeout, so fewer times.
          maxTimeoutAttempts: deps.importTimeoutAttempts,
          statementTimeoutMs: deps.importStatementTimeoutMs,
          maxStoredErrorsPerJob: deps.errorLimits.maxStoredPerJob,
          onRestaged: () =>
            deps.logger.warn(
              { jobId },
              'import staged from chunk outputs: its chunks had not all staged their rows (a retried job, or a PostgreSQL crash emptied the unlogged stage)',
            ),
        }),
      );
      if (result.outcome === 'completed') {
        deps.metrics.importMergeDuration.observe(mergeSeconds());
        deps.logger.info(
          { jobId, dataset: result.dataset, ...result.stats },
          result.dryRun ? 'import dry run computed (nothing written)' : 'import merged',
        );
      }
      return result.outcome;
    } catch (error) {
      deps.metrics.importMergeDuration.observe(mergeSeconds());
      const kind = postgresErrorClass(error);
      // Unavailable or contention: the job goes back to the queue (BullMQ's
      // attempts, the hand-back while the database is down).
      if (kind === 'unavailable' || kind === 'contention') throw error;
      // A data error (a value the column's SQL type refuses, a dataset that
      // changed shape) fails the same way every time, and a merge that timed
      // out on every try would go on costing the timeout: fail the job, with
      // the database's words, instead of retrying. Nothing was merged.
      const message = error instanceof Error ? error.message : String(error);
      const failure =
        kind === 'timeout'
          ? {
              code: 'import_timed_out' as const,
              reason: `import into the dataset did not finish within IMPORT_STATEMENT_TIMEOUT_MS (${deps.importStatementTimeoutMs} ms) on any of ${deps.importTimeoutAttempts} tries (${message}); nothing was merged: look for long-held locks on the dataset, or raise the timeout, and retry the job`,
            }
          : {
              code: 'import_failed' as const,
              reason: `import into the dataset failed: ${message}`,
            };
      if (await markJobFailed(deps.db, jobId, failure)) {
        await recordJobFinished(deps, jobId, 'import', 'failed');
      }
      deps.logger.error({ err: error, jobId }, 'import merge failed');
      return 'failed' as const;
    }
  }

  return async ({ jobId }: FinalizeJobPayload) => {
    const type = await getJobType(deps.db, jobId);
    if (type === undefined) return 'missing';
    // A first chunk done while the upload arrived is judged by its flow
    // child; a flow the reconciler rebuilt has no child for a done chunk, so
    // the verdict is given here too (a no-op for a chunk judged already).
    if (await judgeDoneFirstChunk(deps.db, jobId, deps.errorLimits)) {
      await recordJobFinished(deps, jobId, type, 'failed');
      return 'failed' as const;
    }
    const outcome =
      type === 'import'
        ? await finalizeImport(jobId)
        : await inTransaction(deps.db, (trx) => finalizeJob(trx, jobId, deps.errorLimits), {
            ...retry,
            statementTimeoutMs: deps.statementTimeoutMs,
          });
    if (outcome === 'chunks-pending') {
      // Try again later (BullMQ backoff); the reconciler covers a lost parent.
      throw new Error(`job ${jobId} still has unfinished chunks`);
    }
    if (outcome === 'completed') {
      await recordJobFinished(deps, jobId, type, 'completed');
      deps.logger.info({ jobId, type }, 'job completed');
    }
    return outcome;
  };
}
