import { UNFINISHED_JOB_STATUSES } from '@sluice/contract';
import { sql, type Transaction } from 'kysely';
import type { Database, Executor } from './schema.ts';

/**
 * Takes the reconciler's transaction-level advisory lock if no one holds it.
 * Released at commit/rollback, so it is safe through PgBouncer in transaction
 * mode (session-level advisory locks are not).
 */
export async function tryReconcilerLock(trx: Transaction<Database>): Promise<boolean> {
  // Arbitrary fixed key ('sluice-reconciler'), namespaced by two int4 halves.
  const { rows } = await sql<{
    locked: boolean;
  }>`select pg_try_advisory_xact_lock(1936488805, 1919120227) as locked`.execute(trx);
  return rows[0]?.locked === true;
}

export async function isChunkPending(db: Executor, jobId: string, seq: number): Promise<boolean> {
  const row = await db
    .selectFrom('job_chunks')
    .select('status')
    .where('job_id', '=', jobId)
    .where('seq', '=', seq)
    .executeTakeFirst();
  return row?.status === 'pending';
}

export interface UnfinishedJob {
  id: string;
  chunksTotal: number;
  /** Chunks not yet done, in file order. */
  pendingSeqs: number[];
  /** The most claims any pending chunk has had (a chunk that keeps killing workers). */
  maxPendingAttempt: number;
}

/**
 * Jobs PostgreSQL says are unfinished (queued or running) and accepted
 * longer ago than the grace period, in acceptance order, with the chunks
 * each still has to process.
 */
export async function findUnfinishedJobs(
  db: Executor,
  options: { olderThanMs: number; limit: number },
): Promise<UnfinishedJob[]> {
  const rows = await db
    .selectFrom('jobs as j')
    .select([
      'j.id',
      'j.chunks_total',
      sql<number[]>`coalesce((
        select array_agg(c.seq order by c.seq) from job_chunks c
        where c.job_id = j.id and c.status = 'pending'), '{}')`.as('pending_seqs'),
      sql<number>`coalesce((
        select max(c.attempt - c.attempt_base) from job_chunks c
        where c.job_id = j.id and c.status = 'pending'), 0)`.as('max_pending_attempt'),
    ])
    .where('j.status', 'in', UNFINISHED_JOB_STATUSES)
    // Accepted (queued or running) for longer than the grace period: the
    // API enqueues a job's flow before it accepts it, so a younger one may
    // still be on its way into Redis.
    .where(
      'j.accepted_at',
      '<',
      sql<Date>`now() - make_interval(secs => ${options.olderThanMs / 1000})`,
    )
    .orderBy('j.acceptance_seq')
    .limit(options.limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    chunksTotal: r.chunks_total,
    pendingSeqs: r.pending_seqs,
    maxPendingAttempt: r.max_pending_attempt,
  }));
}

/**
 * Removes uploads that were never accepted and have stored nothing for
 * `silentForMs` (the client went away mid-upload, or the API died before it
 * could accept or withdraw the job), with their chunks. Nobody was ever told
 * about them, so they must never run. Returns the removed jobs' ids.
 */
export async function removeAbandonedUploads(
  db: Executor,
  options: { silentForMs: number; limit: number },
): Promise<string[]> {
  const rows = await db
    .deleteFrom('jobs')
    .where(
      'id',
      'in',
      db
        .selectFrom('jobs')
        .select('id')
        .where('status', '=', 'receiving')
        .where(
          'upload_touched_at',
          '<',
          sql<Date>`now() - make_interval(secs => ${options.silentForMs / 1000})`,
        )
        .orderBy('upload_touched_at')
        .limit(options.limit),
    )
    // Re-checked on the row itself: a chunk stored meanwhile keeps it.
    .where('status', '=', 'receiving')
    .where(
      'upload_touched_at',
      '<',
      sql<Date>`now() - make_interval(secs => ${options.silentForMs / 1000})`,
    )
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}
