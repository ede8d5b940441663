import {
  isFinal,
  outputColumns,
  type StoredDatasetColumn,
  type StoredJobColumn,
  type StoredJobStatus,
  sqlTypeOf,
  writtenColumn,
} from '@sluice/contract';
import { errorCode } from '@sluice/util';
import { sql, type Transaction } from 'kysely';
import { quoteIdentifier } from './datasets.ts';
import type { Database, Executor } from './schema.ts';
import { storedJson } from './stored-json.ts';
import type { CopyIn } from './transaction.ts';
import { withinTransaction } from './webhook-outbox.ts';

/**
 * An import job's staging table: its chunks' accepted rows, already in the
 * dataset's types, written by each chunk's commit (in its one fenced
 * transaction), so the job's final transaction only upserts. One unlogged
 * table per import job in this schema (migration 0014), created when the
 * job is accepted (or retried), or earlier with the first plan of an upload
 * whose chunks are processed while it arrives (setReceivingPlan), dropped in the transaction that ends the job
 * (completed, failed, cancelled, deleted, purged); the reconciler drops any
 * left behind (`dropLeftoverImportStages`).
 *
 * Unlogged: nothing in it is the only copy (each chunk's output stays in
 * job_chunks), and a PostgreSQL crash empties it; the merge then stages what
 * is missing from the chunk outputs (`import-merge.ts`).
 *
 * Concurrency: the job's stage lock (an advisory lock, transaction-scoped,
 * so it works through PgBouncer's transaction mode) orders chunk commits
 * (shared: they do not wait for each other) against the transitions that
 * create or drop the table (exclusive). A chunk commit takes it after every
 * row lock it needs, and then reads the job's status afresh: a job that
 * ended meanwhile gets no staged rows, and no table is ever created again
 * for it.
 */
const IMPORT_STAGE_SCHEMA = 'sluice_import_stage';

/** Takes a job's stage lock, exclusive, until the transaction ends ($1: `stageLockKey`). */
export const STAGE_LOCK_SQL = 'select pg_advisory_xact_lock(hashtextextended($1, 0))';

/** The key of a job's stage lock. */
export function stageLockKey(jobId: string): string {
  return `sluice-import-stage:${stageName(jobId)}`;
}

/** Takes the job's stage lock until the transaction ends. */
async function lockStage(trx: Transaction<Database>, jobId: string, mode: 'shared' | 'exclusive') {
  const key = sql`hashtextextended(${stageLockKey(jobId)}, 0)`;
  await (mode === 'shared'
    ? sql`select pg_advisory_xact_lock_shared(${key})`
    : sql`select pg_advisory_xact_lock(${key})`
  ).execute(trx);
}

/** Table name of a job's stage: `job_` and the uuid's hex digits. */
function stageName(jobId: string): string {
  const hex = jobId.replaceAll('-', '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new TypeError(`Not a job id: ${JSON.stringify(jobId)}`);
  return `job_${hex}`;
}

/** The job id a stage table name stands for (undefined: not a stage table). */
function jobIdOfStage(name: string): string | undefined {
  const m = /^job_([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$/.exec(name);
  return m ? m.slice(1).join('-') : undefined;
}

/** Fully qualified, quoted stage table of an import job. */
export function importStageTable(jobId: string): string {
  return `${quoteIdentifier(IMPORT_STAGE_SCHEMA)}.${quoteIdentifier(stageName(jobId))}`;
}

/** One staged column: `c<i>` for the i-th output column, which fills `target`. */
export interface StageColumn {
  stage: string;
  target: string;
  sqlType: string;
}

/**
 * The stage's columns: the job's output columns that fill a dataset column,
 * named by their position among the output columns (as in the chunk output),
 * in the dataset column's SQL type.
 */
export function stageColumns(
  jobColumns: readonly StoredJobColumn[],
  datasetColumns: readonly StoredDatasetColumn[],
): StageColumn[] {
  const typeOf = new Map(datasetColumns.map((c) => [c.name, c.type]));
  return outputColumns(jobColumns).flatMap((entry, i) => {
    // A split name's part fills a dataset column of its own (partTargets).
    const { target } = writtenColumn(entry);
    if (target === undefined) return [];
    const type = typeOf.get(target);
    if (!type) throw new TypeError(`Dataset column ${target} has no declared type`);
    return [{ stage: `c${i}`, target, sqlType: sqlTypeOf(type) }];
  });
}

/**
 * Creates the stage table (if missing). `_seq`, `_row`: the row's chunk and
 * its place in the chunk's output, i.e. file order (the last row per key wins).
 * `_line`: the row's line in the file, as errors.csv numbers it (for the
 * row history; null when staged from the chunk outputs, which do not hold it).
 */
export function createStageSql(jobId: string, columns: readonly StageColumn[]): string {
  return `create unlogged table if not exists ${importStageTable(jobId)} (
    _seq int not null, _row bigint not null, _line bigint,
    ${columns.map((c) => `${c.stage} ${c.sqlType}`).join(', ')}
  )`;
}

/**
 * A SELECT of the stage's rows as the merge takes them: the last row per
 * key in file order (chunk, then row in the chunk), each stage column named
 * as its dataset column, and its file line (`_line`).
 */
export function latestStagedRowsSql(
  stage: string,
  columns: readonly StageColumn[],
  key: readonly string[],
): string {
  const picks = columns.map((c) => `s.${c.stage} as ${quoteIdentifier(c.target)}`);
  const targets = columns.map((c) => quoteIdentifier(c.target));
  // Text keys sorted bytewise (collate "C": abbreviated keys, no strcoll),
  // which groups them as before: equality under the database's collation
  // (deterministic) is byte equality too, as the primary key's is.
  const typeOf = new Map(columns.map((c) => [c.target, c.sqlType]));
  const keys = key.map((k) =>
    typeOf.get(k) === 'text' ? `${quoteIdentifier(k)} collate "C"` : quoteIdentifier(k),
  );
  return `select distinct on (${keys.join(', ')}) ${targets.join(', ')}, t._line
      from (select s._seq, s._row, s._line, ${picks.join(', ')} from ${stage} s) t
      order by ${keys.join(', ')}, t._seq desc, t._row desc`;
}

interface ImportJobRow {
  status: StoredJobStatus;
  columns: unknown;
  dataset_columns: unknown;
  staged: boolean;
}

/** The job's status, its stage's columns and whether its table exists; undefined when not an import. */
async function importJobState(db: Executor, jobId: string) {
  const row = (
    await sql<ImportJobRow>`
      select j.status, j.columns, d.columns as dataset_columns,
        to_regclass(${importStageTable(jobId)}) is not null as staged
      from jobs j
      join datasets d on d.tenant_id = j.tenant_id and d.name = j.dataset
      where j.id = ${jobId} and j.type = 'import'`.execute(db)
  ).rows[0];
  if (!row) return undefined;
  return {
    status: row.status,
    staged: row.staged,
    columns: stageColumns(
      storedJson.jobColumns.read(row.columns),
      storedJson.datasetColumns.read(row.dataset_columns),
    ),
  };
}

/**
 * Creates an import job's stage table, in the transaction that accepts (or
 * retries) the job, or writes its first plan while it is still receiving.
 * No-op for other jobs.
 */
export async function createImportStage(db: Executor, jobId: string): Promise<void> {
  await withinTransaction(db, async (trx) => {
    await lockStage(trx, jobId, 'exclusive');
    const job = await importJobState(trx, jobId);
    if (!job || job.staged || isFinal(job.status)) return;
    await sql.raw(createStageSql(jobId, job.columns)).execute(trx);
  });
}

/**
 * Drops an import job's stage table, in the transaction that ends (or
 * deletes) the job. Waits for chunk commits staging rows right now.
 */
export async function dropImportStage(db: Executor, jobId: string): Promise<void> {
  await withinTransaction(db, async (trx) => {
    await lockStage(trx, jobId, 'exclusive');
    await sql.raw(`drop table if exists ${importStageTable(jobId)}`).execute(trx);
  });
}

/**
 * A chunk's accepted rows for the stage, as the input of a COPY in
 * PostgreSQL's text format (built in the worker's thread): one line per row,
 * tab-separated, `_seq` (the chunk), `_row` (1, 2, ... among the chunk's
 * staged rows), `_line` (the row's line in the file), then the stage
 * columns in the order of `stageColumns`, each the value the chunk output
 * holds for it, `\N` for an empty value; backslash, tab, newline and
 * carriage return escaped (\\, \t, \n, \r).
 */
export interface StagedRows {
  rows: number;
  /** The stage columns each line holds (after `_seq`, `_row`, `_line`). */
  columnCount: number;
  /** The chunk the lines' `_seq` names. */
  seq: number;
  /** The COPY input, UTF-8. */
  copy: Uint8Array;
}

/**
 * staged: the rows are in the stage. Otherwise the merge stages this chunk
 * from its output: no-stage (no table: accepted before staging existed, or
 * its rows do not match the stage's shape), job-final (ended meanwhile:
 * nothing may be staged for it), refused (a value the column's type refuses:
 * the merge meets it again and fails the import with PostgreSQL's words).
 */
export type StageOutcome = 'staged' | 'no-stage' | 'job-final' | 'refused';

/**
 * Writes a chunk's accepted rows into its job's stage, in the chunk's commit
 * transaction after its fence (a superseded or repeated attempt never gets
 * here, so a chunk is staged once). Under a savepoint: a refused value
 * rolls back the staging only, not the chunk.
 */
export async function stageChunkRows(
  trx: Transaction<Database>,
  copy: CopyIn,
  jobId: string,
  seq: number,
  staged: StagedRows,
): Promise<StageOutcome> {
  if (staged.seq !== seq) throw new TypeError(`Rows of chunk ${staged.seq} staged as chunk ${seq}`);
  await lockStage(trx, jobId, 'shared');
  // Read after the lock: a transition that committed while we waited is seen.
  const job = await importJobState(trx, jobId);
  if (!job || isFinal(job.status)) return 'job-final';
  if (!job.staged || staged.columnCount !== job.columns.length) return 'no-stage';
  if (staged.rows === 0) return 'staged';
  const columns = ['_seq', '_row', '_line', ...job.columns.map((c) => c.stage)];
  // COPY: PostgreSQL parses each value once with its type's input function,
  // about a third of the server time of unnesting one array literal per
  // column (300,000 contacts: 0.8 -> 0.27 s backend CPU).
  await sql`savepoint sluice_stage`.execute(trx);
  try {
    await copy(`copy ${importStageTable(jobId)} (${columns.join(', ')}) from stdin`, staged.copy);
  } catch (error) {
    // SQLSTATE class 22, data exception: e.g. invalid input syntax for the type.
    if (!(error instanceof Error && errorCode(error)?.startsWith('22'))) throw error;
    await sql`rollback to savepoint sluice_stage`.execute(trx);
    return 'refused';
  }
  await sql`release savepoint sluice_stage`.execute(trx);
  return 'staged';
}

/**
 * Removes chunks' staged rows (chunks processed again: resetChunksOffPlan),
 * under the stage lock, after the chunks' row locks as a commit takes them.
 * No-op without a stage (not an import, or none created yet).
 */
export async function unstageChunks(
  trx: Transaction<Database>,
  jobId: string,
  seqs: readonly number[],
): Promise<void> {
  if (seqs.length === 0) return;
  await lockStage(trx, jobId, 'exclusive');
  const exists = await sql<{ staged: boolean }>`
    select to_regclass(${importStageTable(jobId)}) is not null as staged`.execute(trx);
  if (!exists.rows[0]?.staged) return;
  await sql`delete from ${sql.raw(importStageTable(jobId))} where _seq = any(${[...seqs]}::int[])`.execute(
    trx,
  );
}

/**
 * Whether a job's stage is still needed: an unfinished import's, and a
 * completed dry run's until it is promoted (its diff and its promotion read
 * it) or the job is purged (retention drops it with the job).
 */
function keepsStage(job: { status: StoredJobStatus; dry_run: boolean; promoted_at: Date | null }) {
  if (!isFinal(job.status)) return true;
  return job.dry_run && job.status === 'completed' && job.promoted_at === null;
}

/**
 * Drops stage tables whose job has ended or is gone (a completed dry run's
 * stays until promoted): what a crash between a
 * transition and its drop, or a race the locks do not cover, could leave.
 * Only those are locked (the stage lock of a running import is left alone),
 * each then re-checked under it (a retry may have made a new stage). Returns
 * the dropped tables' job ids.
 */
export async function dropLeftoverImportStages(db: Executor): Promise<string[]> {
  const tables = await sql<{ name: string }>`
    select c.relname as name from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${IMPORT_STAGE_SCHEMA} and c.relkind = 'r'`.execute(db);
  const staged = tables.rows.flatMap(({ name }) => jobIdOfStage(name) ?? []);
  if (staged.length === 0) return [];
  const live = await db
    .selectFrom('jobs')
    .select(['id', 'status', 'dry_run', 'promoted_at'])
    .where('id', 'in', staged)
    .execute();
  const unfinished = new Set(live.filter(keepsStage).map((j) => j.id));
  const dropped: string[] = [];
  for (const jobId of staged.filter((id) => !unfinished.has(id))) {
    const gone = await withinTransaction(db, async (trx) => {
      await lockStage(trx, jobId, 'exclusive');
      const job = await trx
        .selectFrom('jobs')
        .select(['status', 'dry_run', 'promoted_at'])
        .where('id', '=', jobId)
        .executeTakeFirst();
      if (job && keepsStage(job)) return false;
      await sql.raw(`drop table if exists ${importStageTable(jobId)}`).execute(trx);
      return true;
    });
    if (gone) dropped.push(jobId);
  }
  return dropped;
}
