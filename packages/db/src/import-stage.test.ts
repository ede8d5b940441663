import { randomUUID } from 'node:crypto';
import type { StoredJobColumn } from '@sluice/contract';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { claimChunk, commitChunkResult } from './chunks.ts';
import { createDatabase } from './connection.ts';
import { createDataset, getDataset, readDatasetRows } from './datasets.ts';
import { openDryRunDiff, promoteDryRun } from './dry-run-actions.ts';
import { finalizeImportJob } from './import-merge.ts';
import { dropLeftoverImportStages, importStageTable, type StagedRows } from './import-stage.ts';
import { markJobFailed } from './job-completion.ts';
import { cancelJob, removeJob, retryJob } from './job-control.ts';
import { getJob } from './job-views.ts';
import { migrateToLatest } from './migrate.ts';
import { purgeExpiredJobs } from './retention.ts';
import { STORED_OPTIONS, stagedRowsOf, TEST_TENANT, UNLIMITED_ERRORS } from './test-helpers.ts';
import { inClientTransaction, inTransaction } from './transaction.ts';
import { acceptJob, finishUpload, insertChunk, insertJob } from './uploads.ts';

const handle = createDatabase({ url: inject('databaseUrl'), poolSize: 4 });
const { db, pool } = handle;
let restaged = 0;
const options = { statementTimeoutMs: 30_000, maxAttempts: 3, onRestaged: () => (restaged += 1) };

/** Finalizes, and says whether the merge had to stage from the chunk outputs. */
async function finalize(id: string) {
  const before = restaged;
  const result = await finalizeImportJob(pool, id, options);
  return { ...result, restaged: restaged > before };
}

// File columns: email -> email (key), Name -> full_name, Score -> score, Notes (not imported).
const columns: StoredJobColumn[] = [
  { name: 'email', type: 'email', required: true, target: 'email' },
  { name: 'Name', type: 'name', required: false, target: 'full_name' },
  { name: 'Score', type: 'integer', required: false, target: 'score' },
  { name: 'Notes', type: 'text', required: false },
];

beforeAll(() => migrateToLatest(db));
afterAll(() => handle.close());

async function newDataset(): Promise<string> {
  const name = `stage_${randomUUID().slice(0, 8)}`;
  await inTransaction(db, (trx) =>
    createDataset(trx, {
      tenantId: TEST_TENANT,
      name,
      columns: [
        { name: 'email', type: 'email', required: true },
        { name: 'full_name', type: 'name', required: false },
        { name: 'score', type: 'integer', required: false },
      ],
      key: ['email'],
    }),
  );
  return name;
}

/**
 * What the worker's thread hands the commit for chunk `seq`'s output of
 * simple lines (no quoting): the staged columns (email, Name, Score) as COPY
 * lines, an empty value as NULL.
 */
function stagedOf(seq: number, output: string): StagedRows {
  const lines = output.split('\n').filter(Boolean);
  return stagedRowsOf(
    seq,
    lines.map((l) => ({ values: l.split(',').slice(0, 3) })),
    3,
  );
}

/** An accepted import job of `chunks` pending chunks. */
async function acceptedImport(dataset: string, chunks: number, dryRun = false): Promise<string> {
  const id = randomUUID();
  await inTransaction(db, async (trx) => {
    await insertJob(trx, {
      tenantId: TEST_TENANT,
      id,
      type: 'import',
      fileName: 'people.csv',
      header: Buffer.from('email,Name,Score,Notes'),
      columns,
      options: STORED_OPTIONS,
      dataset,
      dryRun,
    });
    for (let seq = 0; seq < chunks; seq++) {
      await insertChunk(trx, id, {
        seq,
        firstRecord: 2 + seq * 10,
        recordCount: 10,
        data: Buffer.from('x'),
      });
    }
    await finishUpload(trx, id, { bytes: 1, chunks, rows: chunks * 10, columns });
  });
  expect(await acceptJob(db, id)).toMatchObject({ id, status: 'queued' });
  return id;
}

/** Commits one attempt of a chunk, staging its rows as the worker does (or not: `stage` false). */
function commit(id: string, seq: number, attempt: number, output: string, stage = true) {
  return inClientTransaction(pool, (trx, copy) =>
    commitChunkResult(
      trx,
      {
        jobId: id,
        seq,
        attempt,
        output: Buffer.from(output),
        rowsAccepted: output.split('\n').filter(Boolean).length,
        rowsRejected: 0,
        rowsBlank: 0,
        errors: [],
        processedBy: 'test',
        staged: stage ? stagedOf(seq, output) : undefined,
      },
      UNLIMITED_ERRORS,
      copy,
    ),
  );
}

async function runChunk(id: string, seq: number, output: string, stage = true) {
  const attempt = (await claimChunk(db, id, seq, 'test'))!;
  return commit(id, seq, attempt, output, stage);
}

async function stageExists(id: string): Promise<boolean> {
  const { rows } = await sql<{ exists: boolean }>`
    select to_regclass(${importStageTable(id)}) is not null as exists`.execute(db);
  return rows[0]!.exists;
}

async function stagedRows(id: string) {
  const { rows } = await sql<{ seq: number; row: string; email: string; score: string | null }>`
    select _seq as seq, _row::text as row, c0 as email, c2::text as score
    from ${sql.raw(importStageTable(id))} order by _seq, _row`.execute(db);
  return rows;
}

async function datasetRows(name: string) {
  const view = (await getDataset(db, TEST_TENANT, name))!;
  return readDatasetRows(db, view, { limit: 100, offset: 0 });
}

const CHUNKS = ['a@x.org,Ann,1,\nb@x.org,Bob,,n\n', 'a@x.org,Ann B,2,\nc@x.org,Cy,3,\n'];

describe('import staging (rows staged by chunk commits, merged by finalize)', () => {
  it('each chunk commit stages its rows typed; the merge upserts them and drops the stage', async () => {
    const dataset = await newDataset();
    const id = await acceptedImport(dataset, 2);
    expect(await stageExists(id)).toBe(true);
    for (const [seq, output] of CHUNKS.entries()) {
      expect(await runChunk(id, seq, output)).toBe('applied');
    }
    expect(await stagedRows(id)).toEqual([
      { seq: 0, row: '1', email: 'a@x.org', score: '1' },
      { seq: 0, row: '2', email: 'b@x.org', score: null },
      { seq: 1, row: '1', email: 'a@x.org', score: '2' },
      { seq: 1, row: '2', email: 'c@x.org', score: '3' },
    ]);
    const result = await finalize(id);
    expect(result).toMatchObject({
      outcome: 'completed',
      restaged: false,
      stats: { staged: 4, inserted: 3, updated: 0, unchanged: 0, duplicate: 1 },
    });
    // The later row of a@x.org wins (file order across chunks).
    expect(await datasetRows(dataset)).toEqual([
      { email: 'a@x.org', full_name: 'Ann B', score: '2' },
      { email: 'b@x.org', full_name: 'Bob', score: null },
      { email: 'c@x.org', full_name: 'Cy', score: '3' },
    ]);
    expect(await stageExists(id)).toBe(false);
  });

  it('merges exactly as staging from the chunk outputs does (same rows, same counts)', async () => {
    const outcomes = [];
    for (const stage of [true, false]) {
      const dataset = await newDataset();
      for (const file of [CHUNKS, ['c@x.org,Cy,3,\nd@x.org,Di,4,\n', 'a@x.org,Al,,\n']]) {
        const id = await acceptedImport(dataset, file.length);
        for (const [seq, output] of file.entries()) await runChunk(id, seq, output, stage);
        const result = await finalize(id);
        expect(result).toMatchObject({ outcome: 'completed', restaged: !stage });
        outcomes.push({ stage, stats: result.outcome === 'completed' && result.stats });
        expect(await stageExists(id)).toBe(false);
      }
      outcomes.push({ stage, rows: await datasetRows(dataset) });
    }
    const staged = outcomes.filter((o) => o.stage).map(({ stage: _, ...o }) => o);
    const copied = outcomes.filter((o) => !o.stage).map(({ stage: _, ...o }) => o);
    expect(staged).toEqual(copied);
    expect(staged[1]).toEqual({
      stats: { staged: 3, inserted: 1, updated: 1, unchanged: 1, duplicate: 0 },
    });
  });

  it('a re-run chunk (superseded attempt, repeated commit) leaves no duplicate staged rows', async () => {
    const dataset = await newDataset();
    const id = await acceptedImport(dataset, 2);
    const first = (await claimChunk(db, id, 0, 'w1'))!;
    // The chunk is claimed again (the first worker lost its lock): the stale
    // attempt is fenced, staging included, before and after the newer commits.
    const second = (await claimChunk(db, id, 0, 'w2'))!;
    expect(await commit(id, 0, first, CHUNKS[0]!)).toBe('superseded');
    expect(await commit(id, 0, second, CHUNKS[0]!)).toBe('applied');
    expect(await commit(id, 0, first, CHUNKS[0]!)).toBe('already-done');
    // BullMQ delivers the same attempt again: already done, nothing staged.
    expect(await commit(id, 0, second, CHUNKS[0]!)).toBe('already-done');
    expect(await runChunk(id, 1, CHUNKS[1]!)).toBe('applied');
    const rows = await stagedRows(id);
    expect(rows.map((r) => `${r.seq}:${r.row}`)).toEqual(['0:1', '0:2', '1:1', '1:2']);
    expect(await finalize(id)).toMatchObject({
      restaged: false,
      stats: { staged: 4, duplicate: 1 },
    });
  });

  it('a job failed, cancelled or deleted loses its stage; a chunk committing after stages nothing', async () => {
    const dataset = await newDataset();
    const failed = await acceptedImport(dataset, 2);
    await runChunk(failed, 0, CHUNKS[0]!);
    expect(await markJobFailed(db, failed, { code: 'chunk_failed', reason: 'test' })).toBe(
      'import',
    );
    expect(await stageExists(failed)).toBe(false);
    // A chunk still in flight when the job failed commits, and no stage comes back.
    expect(await runChunk(failed, 1, CHUNKS[1]!)).toBe('applied');
    expect(await stageExists(failed)).toBe(false);

    const cancelled = await acceptedImport(dataset, 2);
    await runChunk(cancelled, 0, CHUNKS[0]!);
    expect(await cancelJob(db, TEST_TENANT, cancelled)).toMatchObject({ outcome: 'cancelled' });
    expect(await stageExists(cancelled)).toBe(false);

    const deleted = await acceptedImport(dataset, 2);
    await runChunk(deleted, 0, CHUNKS[0]!);
    expect(await removeJob(db, TEST_TENANT, deleted)).toBe(true);
    expect(await stageExists(deleted)).toBe(false);
  });

  it('a retried job gets a new stage; its merge stages the earlier chunks from their outputs', async () => {
    const dataset = await newDataset();
    const id = await acceptedImport(dataset, 2);
    await runChunk(id, 0, CHUNKS[0]!);
    await cancelJob(db, TEST_TENANT, id);
    expect(await inTransaction(db, (trx) => retryJob(trx, TEST_TENANT, id))).toMatchObject({
      outcome: 'retried',
      pendingSeqs: [1],
    });
    expect(await stageExists(id)).toBe(true);
    await runChunk(id, 1, CHUNKS[1]!);
    expect(await finalize(id)).toMatchObject({
      outcome: 'completed',
      restaged: true,
      stats: { staged: 4, inserted: 3, duplicate: 1 },
    });
    expect(await stageExists(id)).toBe(false);
  });

  it('a crash that empties the unlogged stage after the chunk commits: the merge restages, same result', async () => {
    const dataset = await newDataset();
    const id = await acceptedImport(dataset, 2);
    for (const [seq, output] of CHUNKS.entries()) await runChunk(id, seq, output);
    // What PostgreSQL's crash recovery does to an unlogged table.
    await sql.raw(`truncate ${importStageTable(id)}`).execute(db);
    expect(await finalize(id)).toMatchObject({
      outcome: 'completed',
      restaged: true,
      stats: { staged: 4, inserted: 3, duplicate: 1 },
    });
    expect((await datasetRows(dataset)).map((r) => r.full_name)).toEqual(['Ann B', 'Bob', 'Cy']);
  });

  it('a value the column type refuses: the chunk commits unstaged, the merge fails with the same error', async () => {
    const dataset = await newDataset();
    const id = await acceptedImport(dataset, 1);
    expect(await runChunk(id, 0, 'g@x.org,Gus,not-a-number,\n')).toBe('applied');
    expect(await stagedRows(id)).toEqual([]);
    await expect(finalizeImportJob(pool, id, options)).rejects.toThrow(
      /invalid input syntax for type numeric/,
    );
    expect(await datasetRows(dataset)).toEqual([]);
    // Rolled back with the merge: the stage stays for the job's failure to drop.
    expect(await stageExists(id)).toBe(true);
  });

  it('the retention purge and the reconciler drop stages a crash left behind; live ones stay', async () => {
    const dataset = await newDataset();
    const live = await acceptedImport(dataset, 1);
    const leftover = await acceptedImport(dataset, 1);
    const purged = await acceptedImport(dataset, 1);
    // Ended without their drop (as if the transition ran before this code):
    // their tables are made again by hand.
    for (const id of [leftover, purged]) {
      await markJobFailed(db, id, { code: 'chunk_failed', reason: 'test' });
      await sql
        .raw(`create unlogged table ${importStageTable(id)} (_seq int, _row bigint)`)
        .execute(db);
    }
    await sql`update jobs set finished_at = now() - interval '400 days' where id = ${purged}`.execute(
      db,
    );
    const purge = await purgeExpiredJobs(db, { olderThanDays: 365, limit: 1000 });
    expect(purge.jobs.map((j) => j.id)).toContain(purged);
    expect(await stageExists(purged)).toBe(false);
    expect(await dropLeftoverImportStages(db)).toContain(leftover);
    expect(await stageExists(leftover)).toBe(false);
    expect(await stageExists(live)).toBe(true);
    expect((await getJob(db, TEST_TENANT, live))!.status).toBe('queued');
  });

  it('a dry run writes nothing and keeps its stage (not a leftover) until promoted or purged', async () => {
    const dataset = await newDataset();
    const id = await acceptedImport(dataset, 2, true);
    for (const [seq, output] of CHUNKS.entries()) await runChunk(id, seq, output);
    const dry = await finalize(id);
    expect(dry).toMatchObject({ outcome: 'completed', restaged: false });
    expect(dry.outcome === 'completed' && dry.dryRun).toMatchObject({
      inserted: 3,
      updated: 0,
      duplicate: 1,
      datasetVersion: 0,
    });
    expect(await datasetRows(dataset)).toEqual([]);
    expect(await stageExists(id)).toBe(true);
    expect(await dropLeftoverImportStages(db)).not.toContain(id);
    // A PostgreSQL crash empties the unlogged stage: the diff and the
    // promotion stage again from the outputs.
    await sql.raw(`truncate ${importStageTable(id)}`).execute(db);
    const diff = await openDryRunDiff(pool, TEST_TENANT, id, options);
    if (diff.outcome !== 'ready') throw new Error(diff.outcome);
    const lines: Buffer[] = [];
    for await (const chunk of diff.rows) lines.push(chunk);
    expect(Buffer.concat(lines).toString()).toBe(
      'a@x.org,insert,full_name,,Ann B\na@x.org,insert,score,,2\nb@x.org,insert,full_name,,Bob\n' +
        'c@x.org,insert,full_name,,Cy\nc@x.org,insert,score,,3\n',
    );
    await sql.raw(`truncate ${importStageTable(id)}`).execute(db);
    expect(await promoteDryRun(pool, TEST_TENANT, id, options)).toMatchObject({
      outcome: 'merged',
      stats: { inserted: 3, duplicate: 1 },
    });
    expect(await stageExists(id)).toBe(false);
    expect((await datasetRows(dataset)).map((r) => r.full_name)).toEqual(['Ann B', 'Bob', 'Cy']);
    expect(await promoteDryRun(pool, TEST_TENANT, id, options)).toEqual({
      outcome: 'already-promoted',
    });

    const expiring = await acceptedImport(dataset, 1, true);
    await runChunk(expiring, 0, CHUNKS[0]!);
    expect(await finalize(expiring)).toMatchObject({ outcome: 'completed' });
    expect(await stageExists(expiring)).toBe(true);
    await sql`update jobs set finished_at = now() - interval '400 days' where id = ${expiring}`.execute(
      db,
    );
    await purgeExpiredJobs(db, { olderThanDays: 365, limit: 1000 });
    expect(await stageExists(expiring)).toBe(false);
  });
});
