import { outputColumns } from '@sluice/contract';
import type pg from 'pg';
import {
  createStageSql,
  importStageTable,
  STAGE_LOCK_SQL,
  type StageColumn,
  stageColumns,
  stageLockKey,
} from './import-stage.ts';
import { copyIn } from './raw-client.ts';
import { storedJson } from './stored-json.ts';

/** Chunk outputs as text, for staging them here (private to the transaction, dropped at commit). */
const TEXT_STAGE = 'pg_temp.sluice_import_text';

function copyInto(client: pg.PoolClient, columns: string[], data: Buffer): Promise<void> {
  return copyIn(client, `copy ${TEXT_STAGE} (${columns.join(', ')}) from stdin (format csv)`, data);
}

/**
 * Stages the job's rows from its chunk outputs, replacing whatever its
 * stage holds: for a job whose chunks did not all stage their rows at
 * commit (accepted before staging existed; retried after a failure or
 * cancel, which dropped the stage; a PostgreSQL crash, which empties
 * unlogged tables; a value the column's type refuses, which this meets
 * again and fails on). COPY into a text table, then cast as the chunks
 * would have; one chunk in memory at a time. Returns the rows staged.
 */
async function restageFromOutputs(
  client: pg.PoolClient,
  jobId: string,
  chunksTotal: number,
  stage: string,
  columns: readonly StageColumn[],
  outputCount: number,
): Promise<number> {
  // The chunk outputs hold the output columns only (not the dropped ones).
  const textColumns = Array.from({ length: outputCount }, (_, i) => `c${i}`);
  await client.query(`delete from ${stage}`);
  await client.query(
    `create temp table sluice_import_text (
       _ord bigint generated always as identity,
       ${textColumns.map((c) => `${c} text`).join(', ')}
     ) on commit drop`,
  );
  for (let seq = 0; seq < chunksTotal; seq++) {
    const output = (
      await client.query<{ output: Buffer | null }>(
        'select output from job_chunks where job_id = $1 and seq = $2',
        [jobId, seq],
      )
    ).rows[0]?.output;
    if (output && output.byteLength > 0) await copyInto(client, textColumns, output);
  }
  // One _seq for all: _ord alone is file order here. Normalized values are
  // already in their type's canonical text form, so the cast cannot
  // reinterpret them.
  const names = columns.map((c) => c.stage);
  const casts = columns.map((c) => `nullif(t.${c.stage}, '')::${c.sqlType}`);
  const inserted = await client.query(
    `insert into ${stage} (_seq, _row, ${names.join(', ')})
     select 0, t._ord, ${casts.join(', ')} from ${TEXT_STAGE} t`,
  );
  return inserted.rowCount ?? 0;
}

/**
 * Makes sure the job's stage holds every accepted row exactly once, under
 * the job's stage lock (exclusive, to the end of the transaction): the
 * chunks staged their rows as they committed (import-stage.ts); a stage
 * missing or short is made and filled from the chunk outputs here.
 */
export async function prepareStage(
  client: pg.PoolClient,
  jobId: string,
  job: { chunks_total: number; columns: unknown },
  datasetColumns: unknown,
): Promise<{ stage: string; columns: StageColumn[]; staged: number; restaged: boolean }> {
  const jobColumns = storedJson.jobColumns.read(job.columns);
  const columns = stageColumns(jobColumns, storedJson.datasetColumns.read(datasetColumns));
  const stage = importStageTable(jobId);
  // Exclusive: the table may have to be made here (a job accepted before
  // staging existed, or retried), and the merge drops it.
  await client.query(STAGE_LOCK_SQL, [stageLockKey(jobId)]);
  await client.query(createStageSql(jobId, columns));
  const counts = (
    await client.query<{ staged: number; accepted: number }>(
      `select (select count(*) from ${stage})::int as staged,
         (select coalesce(sum(rows_accepted), 0) from job_chunks where job_id = $1)::int as accepted`,
      [jobId],
    )
  ).rows[0]!;
  // Each chunk stages its rows once (fenced, in its commit), so equal counts
  // mean every chunk is staged exactly once; otherwise stage from the outputs.
  const restaged = counts.staged !== counts.accepted;
  const staged = !restaged
    ? counts.staged
    : await restageFromOutputs(
        client,
        jobId,
        job.chunks_total,
        stage,
        columns,
        outputColumns(jobColumns).length,
      );
  return { stage, columns, staged, restaged };
}
