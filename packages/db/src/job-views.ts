import type {
  JobFailureCode,
  JobStatus,
  JobType,
  RowError,
  StoredDryRun,
  StoredJobColumn,
  StoredJobOptions,
} from '@sluice/contract';
import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import type { Database, Executor } from './schema.ts';
import { storedJson } from './stored-json.ts';

export interface JobView {
  id: string;
  /** The owner (a cached view is checked against the asking tenant). */
  tenantId: string;
  type: JobType;
  status: JobStatus;
  fileName: string | null;
  columns: StoredJobColumn[];
  options: StoredJobOptions;
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
  /** Row errors stored (errors.csv's rows): at most the per-job cap, so fewer than errorsTotal when cut. */
  errorsStored: number;
  error: string | null;
  /** Failed jobs: why, machine-readable (null otherwise). */
  errorCode: JobFailureCode | null;
  /** Import jobs: the target dataset, and what the merge did (null until completed). */
  dataset: string | null;
  rowsInserted: number | null;
  rowsUpdated: number | null;
  rowsUnchanged: number | null;
  rowsDuplicate: number | null;
  /** Import jobs: when the import was reverted (POST /v1/jobs/{id}/revert), or null. */
  revertedAt: Date | null;
  /** Dry-run imports: what the merge would do (null until completed), and when it was promoted. */
  dryRun: { result: StoredDryRun | null; promotedAt: Date | null } | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** The job row's columns a JobView shows (besides progress). */
export const JOB_VIEW_COLUMNS = [
  'id',
  'tenant_id',
  'type',
  'status',
  'file_name',
  'columns',
  'options',
  'bytes_total',
  'chunks_total',
  'rows_total',
  'error',
  'error_code',
  'error_rows_stored',
  'dataset',
  'rows_inserted',
  'rows_updated',
  'rows_unchanged',
  'rows_duplicate',
  'dry_run',
  'dry_run_result',
  'promoted_at',
  'reverted_at',
  'created_at',
  'started_at',
  'finished_at',
] as const;

type JobViewRow = Pick<Selectable<Database['jobs']>, (typeof JOB_VIEW_COLUMNS)[number]> & {
  status: JobStatus;
};

/** Sums over a job's done chunks (null: none done). */
interface Progress {
  chunks_done: number | null;
  records_done: number | null;
  accepted: number | null;
  rejected: number | null;
  blank: number | null;
  errors: number | null;
}

/** Progress of a job none of whose chunks is done yet (a job just accepted). */
export const NO_PROGRESS: Progress = {
  chunks_done: 0,
  records_done: 0,
  accepted: 0,
  rejected: 0,
  blank: 0,
  errors: 0,
};

/** A JobView from its row and its progress; jsonb parsed through the contract. */
export function toJobView(row: JobViewRow, progress: Progress): JobView {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    type: row.type,
    status: row.status,
    fileName: row.file_name,
    columns: storedJson.jobColumns.read(row.columns),
    options: storedJson.jobOptions.read(row.options),
    bytesTotal: row.bytes_total,
    chunksTotal: row.chunks_total,
    chunksDone: Number(progress.chunks_done ?? 0),
    rowsTotal: row.rows_total,
    rowsProcessed: Number(progress.records_done ?? 0),
    rowsAccepted: Number(progress.accepted ?? 0),
    rowsRejected: Number(progress.rejected ?? 0),
    rowsBlank: Number(progress.blank ?? 0),
    errorsTotal: Number(progress.errors ?? 0),
    errorsStored: row.error_rows_stored,
    error: row.error,
    errorCode: row.error_code,
    dataset: row.dataset,
    rowsInserted: row.rows_inserted,
    rowsUpdated: row.rows_updated,
    rowsUnchanged: row.rows_unchanged,
    rowsDuplicate: row.rows_duplicate,
    revertedAt: row.reverted_at,
    dryRun: row.dry_run
      ? {
          result: row.dry_run_result === null ? null : storedJson.dryRun.read(row.dry_run_result),
          promotedAt: row.promoted_at,
        }
      : null,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

/**
 * The tenant's job with its progress, aggregated from its chunks in the same
 * snapshot; undefined for another tenant's job, exactly as for none.
 */
export async function getJob(
  db: Executor,
  tenantId: string,
  jobId: string,
): Promise<JobView | undefined> {
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
    .selectAll('j')
    .select(['p.chunks_done', 'p.records_done', 'p.accepted', 'p.rejected', 'p.blank', 'p.errors'])
    .where('j.id', '=', jobId)
    .where('j.tenant_id', '=', tenantId)
    // A receiving job is nobody's yet: only its 202 gives a client its id.
    .where('j.status', '!=', 'receiving')
    .$narrowType<{ status: JobStatus }>()
    .executeTakeFirst();
  return row ? toJobView(row, row) : undefined;
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
  errorCode: JobFailureCode | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface JobFilter {
  status?: JobStatus | undefined;
  type?: JobType | undefined;
  dataset?: string | undefined;
}

/** The tenant's jobs, newest first, with the total matching the filter (for X-Total-Count). */
export async function listJobs(
  db: Executor,
  tenantId: string,
  filter: JobFilter,
  page: { limit: number; offset: number },
): Promise<{ items: JobSummary[]; total: number }> {
  // A receiving job is nobody's yet (see getJob).
  let query = db
    .selectFrom('jobs')
    .where('tenant_id', '=', tenantId)
    .where('status', '!=', 'receiving');
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
        'error_code',
        'created_at',
        'finished_at',
      ])
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(page.limit)
      .offset(page.offset)
      .$narrowType<{ status: JobStatus }>()
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
      errorCode: r.error_code,
      createdAt: r.created_at,
      finishedAt: r.finished_at,
    })),
  };
}

export async function getJobType(db: Executor, jobId: string): Promise<JobType | undefined> {
  const row = await db.selectFrom('jobs').select('type').where('id', '=', jobId).executeTakeFirst();
  return row?.type;
}

/**
 * A final job's whole time in seconds, created (its upload began) to
 * finished, by PostgreSQL's clock for both ends; undefined for a job gone or
 * not final.
 */
export async function jobRunSeconds(db: Executor, jobId: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('jobs')
    .select(sql<number>`extract(epoch from finished_at - created_at)::float8`.as('seconds'))
    .where('id', '=', jobId)
    .where('finished_at', 'is not', null)
    .executeTakeFirst();
  return row?.seconds ?? undefined;
}

/** A finished job's output, one chunk at a time in file order (bounded memory). */
export async function* readJobOutput(db: Executor, jobId: string): AsyncGenerator<Buffer> {
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
  db: Executor,
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
