import type { JobType, StoredJobColumn, StoredJobOptions } from '@sluice/contract';
import { CompiledQuery, sql, type Transaction } from 'kysely';
import { chunkPlan, resetChunksOffPlan } from './chunk-plans.ts';
import { createImportStage } from './import-stage.ts';
import { JOB_VIEW_COLUMNS, type JobView, NO_PROGRESS, toJobView } from './job-views.ts';
import type { Database, Executor } from './schema.ts';
import { storedJson } from './stored-json.ts';
import { withinTransaction } from './webhook-outbox.ts';

export interface NewJob {
  id: string;
  /** The owner: only its API keys see the job. */
  tenantId: string;
  type: JobType;
  fileName: string | null;
  header: Buffer;
  columns: StoredJobColumn[];
  options: StoredJobOptions;
  /** Import jobs: the dataset to upsert into. */
  dataset?: string | undefined;
  /** Import jobs: compute what the merge would do, write nothing (import-dry-run.ts). */
  dryRun?: boolean | undefined;
}

export interface NewChunk {
  seq: number;
  firstRecord: number;
  recordCount: number;
  data: Buffer;
}

/** What an upload stored in all; columns and options as profiled and decided at its end. */
export interface UploadTotals {
  bytes: number;
  chunks: number;
  rows: number;
  columns?: StoredJobColumn[] | undefined;
  options?: StoredJobOptions | undefined;
}

/**
 * An upload is stored in short transactions, never one that waits on the
 * client: the job row first (`receiving`), then each chunk as it arrives,
 * then the totals, then acceptance, which makes it `queued` right before the
 * 202. Until then the job is nobody's: the API lists none, workers hand its
 * chunks back, and the reconciler removes it once its upload has been silent
 * for a while (abandoned: the client went away or the API died).
 */

/** The jobs row of a receiving upload, with the totals known so far. */
function receivingJobRow(job: NewJob, totals: UploadTotals) {
  return {
    id: job.id,
    tenant_id: job.tenantId,
    type: job.type,
    status: 'receiving' as const,
    file_name: job.fileName,
    header: job.header,
    columns: storedJson.jobColumns.write(totals.columns ?? job.columns),
    options: storedJson.jobOptions.write(totals.options ?? job.options),
    dataset: job.dataset ?? null,
    dry_run: job.dryRun ?? false,
    bytes_total: totals.bytes,
    chunks_total: totals.chunks,
    rows_total: totals.rows,
    rows_accepted: null,
    rows_rejected: null,
    errors_total: null,
    error: null,
    started_at: null,
    finished_at: null,
    upload_touched_at: sql<Date>`clock_timestamp()`,
  };
}

/** Step 1: the job row, receiving; totals are filled in at the end. */
export async function insertJob(db: Executor, job: NewJob): Promise<void> {
  await db
    .insertInto('jobs')
    .values(receivingJobRow(job, { bytes: 0, chunks: 0, rows: 0 }))
    .execute();
}

/** An upload stored whole: its job row, its one chunk and its totals. */
export interface WholeUpload {
  job: NewJob;
  chunk: NewChunk;
  totals: UploadTotals;
}

/**
 * Steps 1 to 3 at once, for uploads that had wholly arrived before anything
 * was stored and fit in one chunk each: the job rows (receiving, with their
 * totals and profiled columns) and their chunks, in ONE statement (the chunk
 * rows join the job rows a data-modifying CTE inserted, so all or none are
 * stored, without a transaction's extra round trips), for any number of
 * uploads (concurrent submissions share it: one multi-row insert each).
 * It never waits on a client, so it needs no idle-in-transaction guard;
 * acceptance still follows separately, after the enqueue, as for any upload.
 */
export async function insertWholeUploads(db: Executor, uploads: WholeUpload[]): Promise<void> {
  if (uploads.length === 0) return;
  const parameters: unknown[] = [];
  for (const { job, totals } of uploads) {
    // What receivingJobRow writes (the constant columns are in the text).
    parameters.push(
      job.id,
      job.tenantId,
      job.type,
      job.fileName,
      job.header,
      storedJson.jobColumns.write(totals.columns ?? job.columns),
      storedJson.jobOptions.write(totals.options ?? job.options),
      job.dataset ?? null,
      job.dryRun ?? false,
      totals.bytes,
      totals.chunks,
      totals.rows,
    );
  }
  for (const { job, chunk } of uploads) {
    parameters.push(job.id, chunk.seq, chunk.firstRecord, chunk.recordCount, chunk.data);
  }
  await db.executeQuery(CompiledQuery.raw(wholeUploadsText(uploads.length), parameters));
}

const JOB_PARAMETERS = 12;
const CHUNK_PARAMETERS = 5;
/** Texts by number of uploads: the batches a busy API sends come in a few sizes. */
const wholeUploadsTexts = new Map<number, string>();
const MAX_REMEMBERED_TEXTS = 128;

/**
 * insertWholeUploads' statement for `count` uploads, written as text once
 * per count instead of built as a query tree per call (it was a twentieth
 * of the API's CPU time under small-submission load): the same statement
 * the query builder wrote, the job rows' columns as receivingJobRow sets them.
 */
function wholeUploadsText(count: number): string {
  const remembered = wholeUploadsTexts.get(count);
  if (remembered !== undefined) return remembered;
  const p = (i: number) => `$${i + 1}`;
  const jobRows: string[] = [];
  const chunkRows: string[] = [];
  for (let row = 0; row < count; row++) {
    const j = row * JOB_PARAMETERS;
    jobRows.push(
      `(${p(j)}, ${p(j + 1)}, ${p(j + 2)}, 'receiving', ${p(j + 3)}, ${p(j + 4)}, ${p(j + 5)}, ` +
        `${p(j + 6)}, ${p(j + 7)}, ${p(j + 8)}, ${p(j + 9)}, ${p(j + 10)}, ${p(j + 11)}, ` +
        'null, null, null, null, null, null, clock_timestamp())',
    );
    const c = count * JOB_PARAMETERS + row * CHUNK_PARAMETERS;
    chunkRows.push(
      `(${p(c)}::uuid, ${p(c + 1)}::int, ${p(c + 2)}::int, ${p(c + 3)}::int, ${p(c + 4)}::bytea)`,
    );
  }
  const text = `with job as (
      insert into jobs (id, tenant_id, type, status, file_name, header, columns, options, dataset,
        dry_run, bytes_total, chunks_total, rows_total, rows_accepted, rows_rejected, errors_total,
        error, started_at, finished_at, upload_touched_at)
      values ${jobRows.join(', ')}
      returning id
    )
    insert into job_chunks (job_id, seq, first_record, record_count, data)
    select c.job_id, c.seq, c.first_record, c.record_count, c.data
    from job join (values ${chunkRows.join(', ')}) as c (job_id, seq, first_record, record_count, data)
      on c.job_id = job.id`;
  if (wholeUploadsTexts.size < MAX_REMEMBERED_TEXTS) wholeUploadsTexts.set(count, text);
  return text;
}

/** insertWholeUploads of one upload. */
export function insertWholeUpload(
  db: Executor,
  job: NewJob,
  chunk: NewChunk,
  totals: UploadTotals,
): Promise<void> {
  return insertWholeUploads(db, [{ job, chunk, totals }]);
}

/**
 * Stores one chunk of a receiving job and marks its upload alive, in one
 * transaction (its own unless `db` is one). Storing the same chunk again (a
 * retry whose commit was not acknowledged) changes nothing. False when the
 * job is no longer receiving (removed as abandoned): the upload must stop.
 *
 * The chunk goes in first, under a KEY SHARE lock of the job row (what its
 * foreign key takes anyway: a concurrent removal waits, or is seen), and the
 * row is touched last: the touch's row lock is held from there to the
 * commit only, not while PostgreSQL compresses and writes the chunk, so
 * chunks of one upload stored on two connections at once are written side
 * by side (two KEY SHARE locks and one touch do not conflict; the second
 * touch waits for the first commit alone).
 */
export async function insertChunk(db: Executor, jobId: string, chunk: NewChunk): Promise<boolean> {
  return withinTransaction(db, async (trx) => {
    await sql`
      with job as (
        select id from jobs where id = ${jobId} and status = 'receiving' for key share
      )
      insert into job_chunks (job_id, seq, first_record, record_count, data)
      select id, ${chunk.seq}, ${chunk.firstRecord}, ${chunk.recordCount}, ${chunk.data}
      from job
      on conflict (job_id, seq) do nothing`.execute(trx);
    const { rows } = await sql<{ id: string }>`
      update jobs set upload_touched_at = clock_timestamp()
      where id = ${jobId} and status = 'receiving'
      returning id`.execute(trx);
    return rows.length === 1;
  });
}

/**
 * Last step of storing: totals, and the columns as profiled over the whole
 * file (types and date orders are only known at the end); the options too
 * when given (an encoding decided after the first bytes). False when the
 * job is no longer receiving.
 */
export async function finishUpload(
  db: Executor,
  jobId: string,
  totals: UploadTotals & { columns: StoredJobColumn[] },
): Promise<boolean> {
  const updated = await db
    .updateTable('jobs')
    .set({
      bytes_total: totals.bytes,
      chunks_total: totals.chunks,
      rows_total: totals.rows,
      columns: storedJson.jobColumns.write(totals.columns),
      upload_touched_at: sql<Date>`clock_timestamp()`,
      ...(totals.options ? { options: storedJson.jobOptions.write(totals.options) } : {}),
    })
    .where('id', '=', jobId)
    .where('status', '=', 'receiving')
    .executeTakeFirst();
  return updated.numUpdatedRows === 1n;
}

/**
 * Processing during the upload (the API's UPLOAD_EARLY_PROCESSING): the
 * columns and options as profiled so far, written to a job still receiving,
 * which workers process its early chunks with (each done chunk records its
 * plan). An import's stage is created with the first of them (its shape
 * follows the targets and drops, known from the header on). False when the
 * job is no longer receiving.
 */
export async function setReceivingPlan(
  db: Executor,
  jobId: string,
  plan: { columns: StoredJobColumn[]; options: StoredJobOptions },
): Promise<boolean> {
  return withinTransaction(db, async (trx) => {
    const updated = await trx
      .updateTable('jobs')
      .set({
        columns: storedJson.jobColumns.write(plan.columns),
        options: storedJson.jobOptions.write(plan.options),
      })
      .where('id', '=', jobId)
      .where('status', '=', 'receiving')
      .returning('type')
      .executeTakeFirst();
    if (updated?.type === 'import') await createImportStage(trx, jobId);
    return updated !== undefined;
  });
}

/**
 * finishUpload for an upload whose chunks were processed while it arrived:
 * first the final plan is made the one of every chunk not done with it
 * (resetChunksOffPlan: done chunks of another plan back to pending, and
 * commits of attempts that read another plan refused; row locks first, as
 * a chunk commit takes them), then the totals and final columns. Chunks
 * done with the final plan stay done: the job's flow finds them so.
 */
export async function finishEarlyUpload(
  trx: Transaction<Database>,
  jobId: string,
  totals: UploadTotals & { columns: StoredJobColumn[]; options: StoredJobOptions },
): Promise<boolean> {
  // The plan of the columns and options as workers will read them back.
  const stored = {
    columns: storedJson.jobColumns.read(JSON.parse(storedJson.jobColumns.write(totals.columns))),
    options: storedJson.jobOptions.read(JSON.parse(storedJson.jobOptions.write(totals.options))),
  };
  await resetChunksOffPlan(trx, jobId, chunkPlan(stored.columns, stored.options));
  return finishUpload(trx, jobId, totals);
}

/**
 * Accepts a stored upload: receiving -> queued, with its acceptance time and
 * number (imports into one dataset merge in this order), and returns the job
 * as the 202 shows it, from the same statement: the caller sends the 202
 * right after, with nothing in between that could fail or hang, so a client
 * is told "accepted" for exactly the jobs that will run. Undefined when it
 * is not receiving (removed as abandoned, or accepted already).
 */
export async function acceptJob(db: Executor, jobId: string): Promise<JobView | undefined> {
  return (await acceptJobs(db, [jobId])).get(jobId);
}

/** receiving -> queued for those of `jobIds` still receiving (and matching `where`), as one UPDATE. */
function queueReceiving(db: Executor, jobIds: readonly string[], where: { notImports: boolean }) {
  let update = db
    .updateTable('jobs')
    .set({
      status: 'queued',
      accepted_at: sql<Date>`clock_timestamp()`,
      acceptance_seq: sql<number>`nextval('job_acceptance_seq')`,
      upload_touched_at: null,
    })
    // One text for any number of jobs (an IN list's changes with its length).
    .where('id', '=', sql<string>`any(${[...jobIds]}::uuid[])`)
    .where('status', '=', 'receiving');
  if (where.notImports) update = update.where('type', '<>', 'import');
  return update.returning(JOB_VIEW_COLUMNS).$narrowType<{ status: 'queued' }>().execute();
}

/**
 * acceptJob for several jobs in one transaction (concurrent submissions share
 * it): the view of each job it accepted, by id; a job missing from the map
 * was not receiving. Their acceptance numbers follow no particular order
 * among them (they were submitted concurrently).
 */
export async function acceptJobs(
  db: Executor,
  jobIds: readonly string[],
): Promise<Map<string, JobView>> {
  const accepted = new Map<string, JobView>();
  if (jobIds.length === 0) return accepted;
  return withinTransaction(db, async (trx) => {
    for (const row of await queueReceiving(trx, jobIds, { notImports: false })) {
      // An import's chunks stage their rows for its merge as they commit.
      if (row.type === 'import') await createImportStage(trx, row.id);
      // Nothing of a job is done before it is accepted (workers hand its chunks back).
      accepted.set(row.id, toJobView(row, NO_PROGRESS));
    }
    return accepted;
  });
}

/**
 * acceptJobs for jobs that are not imports, as ONE statement with no
 * transaction around it (one round trip instead of three): only an import's
 * acceptance has a second step (its stage, in the same transaction). An
 * import among `jobIds` is left receiving (missing from the map), so no
 * import is ever accepted without its stage.
 */
export async function acceptNonImportJobs(
  db: Executor,
  jobIds: readonly string[],
): Promise<Map<string, JobView>> {
  const accepted = new Map<string, JobView>();
  if (jobIds.length === 0) return accepted;
  for (const row of await queueReceiving(db, jobIds, { notImports: true })) {
    accepted.set(row.id, toJobView(row, NO_PROGRESS));
  }
  return accepted;
}

export async function deleteJob(db: Executor, jobId: string): Promise<void> {
  await db.deleteFrom('jobs').where('id', '=', jobId).execute();
}
