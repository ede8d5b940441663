import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database, JobColumn, JobStatus, JobType } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewJob {
  id: string;
  type: JobType;
  fileName: string | null;
  header: Buffer;
  columns: JobColumn[];
  options: Record<string, unknown>;
  /** Import jobs: the dataset to upsert into. */
  dataset?: string | undefined;
}

export interface NewChunk {
  seq: number;
  firstRecord: number;
  recordCount: number;
  data: Buffer;
}

/** Step 1 of an upload's transaction: the job row, totals filled in at the end. */
export async function insertJob(trx: Transaction<Database>, job: NewJob): Promise<void> {
  await trx
    .insertInto('jobs')
    .values({
      id: job.id,
      type: job.type,
      file_name: job.fileName,
      header: job.header,
      columns: JSON.stringify(job.columns),
      options: JSON.stringify(job.options),
      dataset: job.dataset ?? null,
      bytes_total: 0,
      chunks_total: 0,
      rows_total: 0,
      rows_accepted: null,
      rows_rejected: null,
      errors_total: null,
      error: null,
      started_at: null,
      finished_at: null,
    })
    .execute();
}

export async function insertChunk(
  trx: Transaction<Database>,
  jobId: string,
  chunk: NewChunk,
): Promise<void> {
  await trx
    .insertInto('job_chunks')
    .values({
      job_id: jobId,
      seq: chunk.seq,
      first_record: chunk.firstRecord,
      record_count: chunk.recordCount,
      data: chunk.data,
      output: null,
      rows_accepted: null,
      rows_rejected: null,
      rows_blank: null,
      errors_total: null,
      processed_by: null,
      processed_at: null,
    })
    .execute();
}

/**
 * Last step of an upload's transaction: totals, and the columns as profiled
 * over the whole file (types and date orders are only known at the end).
 */
export async function finishUpload(
  trx: Transaction<Database>,
  jobId: string,
  totals: { bytes: number; chunks: number; rows: number; columns: JobColumn[] },
): Promise<void> {
  await trx
    .updateTable('jobs')
    .set({
      bytes_total: totals.bytes,
      chunks_total: totals.chunks,
      rows_total: totals.rows,
      columns: JSON.stringify(totals.columns),
    })
    .where('id', '=', jobId)
    .execute();
}

export async function deleteJob(db: Db, jobId: string): Promise<void> {
  await db.deleteFrom('jobs').where('id', '=', jobId).execute();
}

export interface JobView {
  id: string;
  type: JobType;
  status: JobStatus;
  fileName: string | null;
  columns: JobColumn[];
  options: Record<string, unknown>;
  bytesTotal: number;
  chunksTotal: number;
  chunksDone: number;
  rowsTotal: number;
  /** Live sums over finished chunks while running; final figures once completed. */
  rowsProcessed: number;
  rowsAccepted: number;
  rowsRejected: number;
  rowsBlank: number;
  errorsTotal: number;
  error: string | null;
  /** Import jobs: the target dataset, and what the merge did (null until completed). */
  dataset: string | null;
  rowsInserted: number | null;
  rowsUpdated: number | null;
  rowsUnchanged: number | null;
  rowsDuplicate: number | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** A job with its progress, aggregated from its chunks in the same snapshot. */
export async function getJob(db: Db, jobId: string): Promise<JobView | undefined> {
  const row = await db
    .selectFrom('jobs as j')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('job_chunks as c')
          .whereRef('c.job_id', '=', 'j.id')
          .where('c.status', '=', 'done')
          .select([
            sql<number>`count(*)::int`.as('chunks_done'),
            sql<number>`coalesce(sum(c.record_count), 0)::bigint`.as('records_done'),
            sql<number>`coalesce(sum(c.rows_accepted), 0)::bigint`.as('accepted'),
            sql<number>`coalesce(sum(c.rows_rejected), 0)::bigint`.as('rejected'),
            sql<number>`coalesce(sum(c.rows_blank), 0)::bigint`.as('blank'),
            sql<number>`coalesce(sum(c.errors_total), 0)::bigint`.as('errors'),
          ])
          .as('p'),
      (join) => join.onTrue(),
    )
    .select([
      'j.id',
      'j.type',
      'j.status',
      'j.file_name',
      'j.columns',
      'j.options',
      'j.bytes_total',
      'j.chunks_total',
      'j.rows_total',
      'j.error',
      'j.dataset',
      'j.rows_inserted',
      'j.rows_updated',
      'j.rows_unchanged',
      'j.rows_duplicate',
      'j.created_at',
      'j.started_at',
      'j.finished_at',
      'p.chunks_done',
      'p.records_done',
      'p.accepted',
      'p.rejected',
      'p.blank',
      'p.errors',
    ])
    .where('j.id', '=', jobId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    fileName: row.file_name,
    columns: row.columns,
    options: row.options,
    bytesTotal: row.bytes_total,
    chunksTotal: row.chunks_total,
    chunksDone: Number(row.chunks_done ?? 0),
    rowsTotal: row.rows_total,
    rowsProcessed: Number(row.records_done ?? 0),
    rowsAccepted: Number(row.accepted ?? 0),
    rowsRejected: Number(row.rejected ?? 0),
    rowsBlank: Number(row.blank ?? 0),
    errorsTotal: Number(row.errors ?? 0),
    error: row.error,
    dataset: row.dataset,
    rowsInserted: row.rows_inserted,
    rowsUpdated: row.rows_updated,
    rowsUnchanged: row.rows_unchanged,
    rowsDuplicate: row.rows_duplicate,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

export interface JobSummary {
  id: string;
  type: JobType;
  status: JobStatus;
  fileName: string | null;
  dataset: string | null;
  rowsTotal: number;
  /** Final counts; null until the job is completed. */
  rowsAccepted: number | null;
  rowsRejected: number | null;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface JobFilter {
  status?: JobStatus | undefined;
  type?: JobType | undefined;
  dataset?: string | undefined;
}

/** Newest first, with the total matching the filter (for X-Total-Count). */
export async function listJobs(
  db: Db,
  filter: JobFilter,
  page: { limit: number; offset: number },
): Promise<{ items: JobSummary[]; total: number }> {
  let query = db.selectFrom('jobs');
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.type) query = query.where('type', '=', filter.type);
  if (filter.dataset) query = query.where('dataset', '=', filter.dataset);
  const [rows, total] = await Promise.all([
    query
      .select([
        'id',
        'type',
        'status',
        'file_name',
        'dataset',
        'rows_total',
        'rows_accepted',
        'rows_rejected',
        'error',
        'created_at',
        'finished_at',
      ])
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    query.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    total: total.n,
    items: rows.map((r) => ({
      id: r.id,
      type: r.type,
      status: r.status,
      fileName: r.file_name,
      dataset: r.dataset,
      rowsTotal: r.rows_total,
      rowsAccepted: r.rows_accepted,
      rowsRejected: r.rows_rejected,
      error: r.error,
      createdAt: r.created_at,
      finishedAt: r.finished_at,
    })),
  };
}

export async function getJobType(db: Db, jobId: string): Promise<JobType | undefined> {
  const row = await db.selectFrom('jobs').select('type').where('id', '=', jobId).executeTakeFirst();
  return row?.type;
}

/** First chunk picked up: queued -> running (no-op for later chunks). */
export async function markJobRunning(db: Db, jobId: string): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ status: 'running', started_at: sql`now()` })
    .where('id', '=', jobId)
    .where('status', '=', 'queued')
    .execute();
}

export interface ChunkWork {
  status: 'pending' | 'done';
  firstRecord: number;
  recordCount: number;
  data: Buffer;
  header: Buffer;
  columns: JobColumn[];
  options: Record<string, unknown>;
  jobStatus: JobStatus;
}

/** Everything a worker needs to process one chunk. */
export async function loadChunkWork(
  db: Db,
  jobId: string,
  seq: number,
): Promise<ChunkWork | undefined> {
  const row = await db
    .selectFrom('job_chunks as c')
    .innerJoin('jobs as j', 'j.id', 'c.job_id')
    .select([
      'c.status',
      'c.first_record',
      'c.record_count',
      'c.data',
      'j.header',
      'j.columns',
      'j.options',
      'j.status as job_status',
    ])
    .where('c.job_id', '=', jobId)
    .where('c.seq', '=', seq)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    status: row.status,
    firstRecord: row.first_record,
    recordCount: row.record_count,
    data: row.data,
    header: row.header,
    columns: row.columns,
    options: row.options,
    jobStatus: row.job_status,
  };
}

export interface RowError {
  recordNumber: number;
  column: string | null;
  raw: string | null;
  code: string;
  message: string;
}

export interface ChunkResult {
  jobId: string;
  seq: number;
  /** The attempt number `claimChunk` returned to this worker (fencing token). */
  attempt: number;
  output: Buffer;
  rowsAccepted: number;
  rowsRejected: number;
  rowsBlank: number;
  errors: readonly RowError[];
  processedBy: string;
}

/**
 * Claims a pending chunk for one processing attempt: bumps its attempt counter
 * and records who claimed it. Returns the new attempt number (the fencing
 * token to pass to `commitChunkResult`), or undefined when the chunk is gone
 * or already done. A later claim supersedes every earlier one.
 */
export async function claimChunk(
  db: Db,
  jobId: string,
  seq: number,
  workerId: string,
): Promise<number | undefined> {
  const row = await db
    .updateTable('job_chunks')
    .set((eb) => ({
      attempt: eb('attempt', '+', 1),
      claimed_by: workerId,
      claimed_at: sql`now()`,
    }))
    .where('job_id', '=', jobId)
    .where('seq', '=', seq)
    .where('status', '=', 'pending')
    .returning('attempt')
    .executeTakeFirst();
  return row?.attempt;
}

/**
 * applied: this attempt's result is the chunk's effect. already-done: another
 * attempt committed first. superseded: the chunk is still pending but was
 * claimed again after this attempt (a stale attempt, e.g. one that lost its
 * BullMQ lock); nothing was written. missing: no such chunk (job deleted).
 */
export type ChunkCommitOutcome = 'applied' | 'already-done' | 'superseded' | 'missing';

/**
 * Writes a chunk's output, its row errors and its done-marker in the caller's
 * transaction. The conditional update takes the chunk's row lock first and
 * requires the chunk to be pending AND still claimed by this attempt, so a
 * concurrent, repeated or stale attempt writes nothing. This is what makes a
 * chunk's effect exactly-once, and fences attempts that were superseded.
 */
export async function commitChunkResult(
  trx: Transaction<Database>,
  result: ChunkResult,
): Promise<ChunkCommitOutcome> {
  const marked = await trx
    .updateTable('job_chunks')
    .set({
      status: 'done',
      output: result.output,
      rows_accepted: result.rowsAccepted,
      rows_rejected: result.rowsRejected,
      rows_blank: result.rowsBlank,
      errors_total: result.errors.length,
      processed_by: result.processedBy,
      processed_at: sql`now()`,
    })
    .where('job_id', '=', result.jobId)
    .where('seq', '=', result.seq)
    .where('status', '=', 'pending')
    .where('attempt', '=', result.attempt)
    .returning('seq')
    .executeTakeFirst();
  if (!marked) {
    const current = await trx
      .selectFrom('job_chunks')
      .select('status')
      .where('job_id', '=', result.jobId)
      .where('seq', '=', result.seq)
      .executeTakeFirst();
    if (!current) return 'missing';
    return current.status === 'done' ? 'already-done' : 'superseded';
  }
  if (result.errors.length > 0) {
    const e = result.errors;
    // One statement per chunk however many errors: arrays unnested server-side.
    await sql`
      insert into job_row_errors
        (job_id, chunk_seq, ordinal, record_number, column_name, raw_value, code, message)
      select ${result.jobId}::uuid, ${result.seq}::int, t.*
      from unnest(
        ${e.map((_, i) => i)}::int[],
        ${e.map((x) => x.recordNumber)}::int[],
        ${e.map((x) => x.column)}::text[],
        ${e.map((x) => x.raw)}::text[],
        ${e.map((x) => x.code)}::text[],
        ${e.map((x) => x.message)}::text[]
      ) as t`.execute(trx);
  }
  return 'applied';
}

export type FinalizeOutcome = 'completed' | 'already-final' | 'chunks-pending' | 'missing';

/**
 * Commits a job's final statistics once every chunk is done. Locks the job row
 * so two finalizers cannot both complete it.
 */
export async function finalizeJob(
  trx: Transaction<Database>,
  jobId: string,
): Promise<FinalizeOutcome> {
  const job = await trx
    .selectFrom('jobs')
    .select(['status', 'chunks_total'])
    .where('id', '=', jobId)
    .forUpdate()
    .executeTakeFirst();
  if (!job) return 'missing';
  if (job.status === 'completed' || job.status === 'failed' || job.status === 'cancelled') {
    return 'already-final';
  }
  const totals = await trx
    .selectFrom('job_chunks')
    .where('job_id', '=', jobId)
    .select([
      sql<number>`count(*) filter (where status = 'done')::int`.as('done'),
      sql<number>`coalesce(sum(rows_accepted), 0)::int`.as('accepted'),
      sql<number>`coalesce(sum(rows_rejected), 0)::int`.as('rejected'),
      sql<number>`coalesce(sum(errors_total), 0)::int`.as('errors'),
    ])
    .executeTakeFirstOrThrow();
  if (totals.done < job.chunks_total) return 'chunks-pending';
  await trx
    .updateTable('jobs')
    .set({
      status: 'completed',
      rows_accepted: totals.accepted,
      rows_rejected: totals.rejected,
      errors_total: totals.errors,
      started_at: sql`coalesce(started_at, now())`,
      // now() is the transaction's start; the job finishes at its commit.
      finished_at: sql`clock_timestamp()`,
    })
    .where('id', '=', jobId)
    .execute();
  return 'completed';
}

/**
 * Fails an unfinished job with a reason for its owner. Returns the job's type
 * when this call failed it, undefined when it was final already (or gone).
 */
export async function markJobFailed(
  db: Db,
  jobId: string,
  reason: string,
): Promise<JobType | undefined> {
  const row = await db
    .updateTable('jobs')
    .set({ status: 'failed', error: reason, finished_at: sql`clock_timestamp()` })
    .where('id', '=', jobId)
    .where('status', 'in', ['queued', 'running'])
    .returning('type')
    .executeTakeFirst();
  return row?.type;
}

/** A finished job's output, one chunk at a time in file order (bounded memory). */
export async function* readJobOutput(db: Db, jobId: string): AsyncGenerator<Buffer> {
  for (let seq = 0; ; seq++) {
    const row = await db
      .selectFrom('job_chunks')
      .select('output')
      .where('job_id', '=', jobId)
      .where('seq', '=', seq)
      .executeTakeFirst();
    if (!row) return;
    if (row.output) yield row.output;
  }
}

/** A job's row errors in file order, fetched in keyset pages. */
export async function* readJobErrors(
  db: Db,
  jobId: string,
  pageSize = 5000,
): AsyncGenerator<RowError[]> {
  let after: [number, number] = [-1, -1];
  for (;;) {
    const rows = await db
      .selectFrom('job_row_errors')
      .select([
        'chunk_seq',
        'ordinal',
        'record_number',
        'column_name',
        'raw_value',
        'code',
        'message',
      ])
      .where('job_id', '=', jobId)
      .where((eb) => eb(eb.refTuple('chunk_seq', 'ordinal'), '>', eb.tuple(after[0], after[1])))
      .orderBy('chunk_seq')
      .orderBy('ordinal')
      .limit(pageSize)
      .execute();
    if (rows.length === 0) return;
    yield rows.map((r) => ({
      recordNumber: r.record_number,
      column: r.column_name,
      raw: r.raw_value,
      code: r.code,
      message: r.message,
    }));
    const last = rows.at(-1)!;
    after = [last.chunk_seq, last.ordinal];
    if (rows.length < pageSize) return;
  }
}

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

export async function isChunkPending(db: Db, jobId: string, seq: number): Promise<boolean> {
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
 * Jobs PostgreSQL says are unfinished (queued or running) and older than the
 * grace period, oldest first, with the chunks each still has to process.
 */
export async function findUnfinishedJobs(
  db: Db,
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
        select max(c.attempt) from job_chunks c
        where c.job_id = j.id and c.status = 'pending'), 0)`.as('max_pending_attempt'),
    ])
    .where('j.status', 'in', ['queued', 'running'])
    .where(
      'j.created_at',
      '<',
      sql<Date>`now() - make_interval(secs => ${options.olderThanMs / 1000})`,
    )
    .orderBy('j.created_at')
    .limit(options.limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    chunksTotal: r.chunks_total,
    pendingSeqs: r.pending_seqs,
    maxPendingAttempt: r.max_pending_attempt,
  }));
}
