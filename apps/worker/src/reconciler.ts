import { type Database, findUnfinishedJobs, inTransaction, tryReconcilerLock } from '@sluice/db';
import {
  bullJobIds,
  createJobProducer,
  type createProducerConnection,
  QUEUE_NAMES,
} from '@sluice/queue';
import { Queue } from 'bullmq';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';

export interface ReconcilerDeps {
  db: Kysely<Database>;
  /** A fail-fast (producer) connection: a pass errors out while Redis is down. */
  connection: ReturnType<typeof createProducerConnection>;
  prefix: string;
  logger: Logger;
  intervalMs: number;
  graceMs: number;
  statementTimeoutMs: number;
  /** Most jobs looked at per pass (oldest first). */
  batchSize?: number;
}

export type ReconcilePass =
  | { ran: false }
  | { ran: true; checked: number; reenqueued: Array<{ jobId: string; pendingChunks: number }> };

/**
 * PostgreSQL is the source of truth, Redis only carries work: when Redis loses
 * a job's flow (FLUSHALL, failover without AOF, eviction), nothing would ever
 * finish it. Every `intervalMs` one worker process (transaction-level advisory
 * lock, PgBouncer-safe) lists jobs PostgreSQL says are queued/running and
 * older than `graceMs`, and re-enqueues those whose BullMQ parent job is
 * missing, with children only for their still-pending chunks. Job ids are
 * deterministic, so a re-enqueue racing the API or another pass adds nothing.
 */
export function createReconciler(deps: ReconcilerDeps) {
  const jobsQueue = new Queue(QUEUE_NAMES.jobs, {
    connection: deps.connection,
    prefix: deps.prefix,
  });
  jobsQueue.on('error', (err) => deps.logger.warn({ err: err.message }, 'reconciler queue error'));
  const producer = createJobProducer({ connection: deps.connection, prefix: deps.prefix });
  const batchSize = deps.batchSize ?? 500;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;

  async function runOnce(): Promise<ReconcilePass> {
    return inTransaction(
      deps.db,
      async (trx): Promise<ReconcilePass> => {
        // Held until this transaction ends: one pass at a time across processes.
        if (!(await tryReconcilerLock(trx))) return { ran: false };
        const candidates = await findUnfinishedJobs(trx, {
          olderThanMs: deps.graceMs,
          limit: batchSize,
        });
        const reenqueued: Array<{ jobId: string; pendingChunks: number }> = [];
        for (const job of candidates) {
          if (stopped) break;
          if (await jobsQueue.getJob(bullJobIds.job(job.id))) continue;
          await producer.enqueueJob(job.id, job.chunksTotal, { pendingSeqs: job.pendingSeqs });
          reenqueued.push({ jobId: job.id, pendingChunks: job.pendingSeqs.length });
          deps.logger.warn(
            {
              jobId: job.id,
              chunksTotal: job.chunksTotal,
              pendingChunks: job.pendingSeqs.length,
            },
            'reconciler: job missing from Redis, re-enqueued',
          );
        }
        return { ran: true, checked: candidates.length, reenqueued };
      },
      { statementTimeoutMs: deps.statementTimeoutMs },
    );
  }

  function schedule() {
    if (stopped || deps.intervalMs <= 0) return;
    timer = setTimeout(() => {
      running = runOnce()
        .then((pass) => {
          if (pass.ran && pass.reenqueued.length > 0) {
            deps.logger.info(
              { checked: pass.checked, reenqueued: pass.reenqueued.length },
              'reconciler pass re-enqueued jobs',
            );
          }
        })
        .catch((err: unknown) => deps.logger.warn({ err }, 'reconciler pass failed'))
        .finally(() => {
          running = undefined;
          schedule();
        });
    }, deps.intervalMs);
    // Never the reason the process stays alive.
    timer.unref();
  }

  return {
    runOnce,
    start: schedule,
    /** Stops scheduling, waits for an in-flight pass, closes its BullMQ clients. */
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await producer.close();
      await jobsQueue.close();
    },
  };
}
