import {
  type Database,
  dropLeftoverImportStages,
  findUnfinishedJobs,
  inTransaction,
  isChunkPending,
  markJobFailed,
  removeAbandonedUploads,
  tryReconcilerLock,
  type UnfinishedJob,
} from '@sluice/db';
import type { Logger } from '@sluice/lifecycle';
import {
  createFlowInspector,
  createJobProducer,
  type createProducerConnection,
  type FlowView,
} from '@sluice/queue';
import type { Kysely } from 'kysely';

export interface ReconcilerDeps {
  db: Kysely<Database>;
  /** A fail-fast (producer) connection: a pass errors out while Redis is down. */
  connection: ReturnType<typeof createProducerConnection>;
  prefix: string;
  logger: Logger;
  intervalMs: number;
  graceMs: number;
  /**
   * An upload never accepted whose last chunk was stored this long ago is
   * removed: its client went away or its API process died, and nobody was
   * told about the job, so it must never run.
   */
  uploadAbandonAfterMs: number;
  statementTimeoutMs: number;
  /** Most jobs looked at per pass (oldest first). */
  batchSize?: number;
  /**
   * A pending chunk claimed this many times without finishing fails its job:
   * it keeps taking workers down with it (or keeps being cut short), and
   * retrying it forever would hide that from its owner.
   */
  maxChunkClaims?: number;
  /** A job this reconciler failed (its event streams are told). */
  onJobFailed?: (jobId: string) => void;
}

/** What a pass did about one unfinished job. */
export type Repair = 'reenqueued' | 'rebuilt' | 'failed-poison';

export type ReconcilePass =
  | { ran: false }
  | {
      ran: true;
      checked: number;
      reenqueued: Array<{ jobId: string; pendingChunks: number; repair: Repair }>;
      /** Never-accepted uploads removed by this pass. */
      abandoned: string[];
    };

/**
 * PostgreSQL is the source of truth, Redis only carries work: when Redis loses
 * a job's flow (FLUSHALL, failover without AOF, eviction), nothing would ever
 * finish it. Every `intervalMs` one worker process (transaction-level advisory
 * lock, PgBouncer-safe) lists jobs PostgreSQL says are queued/running and
 * older than `graceMs`, and re-enqueues those whose BullMQ parent job is
 * missing, with children only for their still-pending chunks. Job ids are
 * deterministic, so a re-enqueue racing the API or another pass adds nothing.
 *
 * A flow can also be present yet stuck: its parent failed (a chunk exceeded
 * BullMQ's stalled limit after repeated worker kills, with failParentOnFailure;
 * finalize gave up on 'chunks pending') or completed while PostgreSQL still
 * has pending chunks; its parent is waiting/delayed (no children left to wait
 * for) while a chunk is pending; or the parent waits for a child that is gone
 * (key lost, or no longer among its dependencies) without its chunk being
 * done. Each verdict about a chunk is re-checked in PostgreSQL. Such a flow is
 * removed and rebuilt from PostgreSQL's pending chunks (when none of its jobs
 * is locked by a worker; otherwise on a later pass). Removing and re-adding
 * rather than Job.retry(): a retried parent would still wait for (or fail
 * on) the same lost children, and BullMQ cannot re-attach a new child to an
 * existing parent; a fresh flow with the same deterministic ids can.
 */
export function createReconciler(deps: ReconcilerDeps) {
  const flows = createFlowInspector({
    connection: deps.connection,
    prefix: deps.prefix,
    onError: (err) => deps.logger.warn({ err: err.message }, 'reconciler queue error'),
  });
  const maxChunkClaims = deps.maxChunkClaims ?? 25;

  /** The first of `seqs` PostgreSQL (asked now, not the pass' snapshot) still has pending. */
  async function firstStillPending(job: UnfinishedJob, seqs: readonly number[]) {
    for (const seq of seqs) {
      if (await isChunkPending(deps.db, job.id, seq)) return seq;
    }
    return undefined;
  }

  /**
   * Why the flow exists but can never finish the job by itself, or undefined
   * when it can. Every verdict about a chunk is confirmed against PostgreSQL
   * first: the pass' snapshot of pending chunks may be older than a chunk
   * that has just committed (and whose BullMQ child then completed or was
   * trimmed).
   */
  async function stuckBecause(job: UnfinishedJob, flow: FlowView): Promise<string | undefined> {
    const state = await flow.state();
    // No worker will ever run it again (or, completed, it ran with chunks
    // still pending); 'unknown': its hash survived, its place in a list did not.
    if (state === 'failed' || state === 'completed' || state === 'unknown') {
      return `parent ${state}`;
    }
    // Finalizing right now (or its worker died: BullMQ's stalled check brings it back).
    if (state === 'active' || job.pendingSeqs.length === 0) return undefined;
    if (state !== 'waiting-children') {
      // waiting, delayed, prioritized: BullMQ is done with every child (one
      // failed, or all were processed or removed), yet a chunk is pending.
      // Finalize would only retry 'chunks pending' with backoff, then fail.
      const seq = await firstStillPending(job, job.pendingSeqs);
      return seq === undefined ? undefined : `parent ${state} while chunk ${seq} is pending`;
    }
    // Waiting for its children: each pending chunk must still be one of the
    // parent's unprocessed dependencies, and that child job must still exist
    // (Redis may have lost its key while the parent's dependency set kept it).
    const suspects = await flow.chunksWithoutChild(job.pendingSeqs);
    const seq = await firstStillPending(job, suspects);
    return seq === undefined ? undefined : `chunk ${seq} pending but its child job is gone or done`;
  }

  async function repair(
    job: UnfinishedJob,
  ): Promise<{ repair: Repair; reason?: string } | undefined> {
    if (job.maxPendingAttempt >= maxChunkClaims) {
      const failed = await markJobFailed(deps.db, job.id, {
        code: 'chunk_crash_loop',
        reason: `a chunk was started ${job.maxPendingAttempt} times without finishing; giving up on the job`,
      });
      if (!failed) return undefined;
      deps.onJobFailed?.(job.id);
      return { repair: 'failed-poison' };
    }
    const flow = await flows.find(job.id);
    let reason: string | undefined;
    if (flow) {
      reason = await stuckBecause(job, flow);
      if (reason === undefined) return undefined;
      try {
        await flow.remove();
      } catch (err) {
        // A worker still holds one of its jobs: try again next pass.
        deps.logger.info(
          { err, jobId: job.id, reason },
          'reconciler: stuck flow busy, retrying later',
        );
        return undefined;
      }
    }
    await producer.enqueueJob(job.id, job.chunksTotal, { pendingSeqs: job.pendingSeqs });
    return flow ? { repair: 'rebuilt', reason } : { repair: 'reenqueued' };
  }
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
        const abandoned = await removeAbandonedUploads(trx, {
          silentForMs: deps.uploadAbandonAfterMs,
          limit: batchSize,
        });
        for (const jobId of abandoned) {
          deps.logger.warn({ jobId }, 'reconciler: upload never accepted, removed');
        }
        // Import stages whose job ended or went without dropping them (a crash).
        for (const jobId of await dropLeftoverImportStages(trx)) {
          deps.logger.warn({ jobId }, 'reconciler: import stage of a finished job dropped');
        }
        const candidates = await findUnfinishedJobs(trx, {
          olderThanMs: deps.graceMs,
          limit: batchSize,
        });
        const reenqueued: Array<{ jobId: string; pendingChunks: number; repair: Repair }> = [];
        for (const job of candidates) {
          if (stopped) break;
          const repaired = await repair(job);
          if (!repaired) continue;
          const done = repaired.repair;
          reenqueued.push({ jobId: job.id, pendingChunks: job.pendingSeqs.length, repair: done });
          const details = {
            jobId: job.id,
            chunksTotal: job.chunksTotal,
            pendingChunks: job.pendingSeqs.length,
            reason: repaired.reason,
          };
          if (done === 'reenqueued') {
            deps.logger.warn(details, 'reconciler: job missing from Redis, re-enqueued');
          } else if (done === 'rebuilt') {
            deps.logger.warn(details, 'reconciler: job flow stuck in Redis, rebuilt');
          } else {
            deps.logger.error(details, 'reconciler: chunk keeps failing, job failed');
          }
        }
        return { ran: true, checked: candidates.length, reenqueued, abandoned };
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
      await flows.close();
    },
  };
}
