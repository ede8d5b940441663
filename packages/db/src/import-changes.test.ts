import { randomUUID } from 'node:crypto';
import type { StoredJobColumn } from '@sluice/contract';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { claimChunk, commitChunkResult } from './chunks.ts';
import { createDatabase } from './connection.ts';
import {
  createDataset,
  type DatasetView,
  datasetTable,
  getDataset,
  readDatasetRows,
} from './datasets.ts';
import { finalizeImportJob } from './import-merge.ts';
import { revertImport } from './import-revert.ts';
import { removeJob } from './job-control.ts';
import { migrateToLatest } from './migrate.ts';
import { purgeExpiredRowHistory } from './retention.ts';
import { type RowHistoryEntry, readRowHistory } from './row-history.ts';
import { STORED_OPTIONS, stagedRowsOf, TEST_TENANT, UNLIMITED_ERRORS } from './test-helpers.ts';
import { inClientTransaction, inTransaction } from './transaction.ts';
import { acceptJob, finishUpload, insertChunk, insertJob } from './uploads.ts';

// The change log the merge writes (import-changes.ts), the revert that reads
// it (import-revert.ts), the row history and its retention.
const handle = createDatabase({ url: inject('databaseUrl'), poolSize: 4 });
const { db, pool } = handle;
const options = { statementTimeoutMs: 30_000, maxAttempts: 3 };

const columns: StoredJobColumn[] = [
  { name: 'id', type: 'integer', required: true, target: 'id' },
  { name: 'Name', type: 'text', required: false, target: 'name' },
];

let dataset: DatasetView;

beforeAll(async () => {
  await migrateToLatest(db);
  const name = `changes_${randomUUID().slice(0, 8)}`;
  await inTransaction(db, (trx) =>
    createDataset(trx, {
      tenantId: TEST_TENANT,
      name,
      columns: [
        { name: 'id', type: 'integer', required: true },
        { name: 'name', type: 'text', required: false },
      ],
      key: ['id'],
    }),
  );
  dataset = (await getDataset(db, TEST_TENANT, name))!;
});
afterAll(() => handle.close());

/**
 * An import job of one chunk whose rows (id, name, file line) are staged by
 * the chunk commit as the worker stages them, lines included.
 */
async function importRows(rows: Array<[string, string, number]>): Promise<string> {
  const id = randomUUID();
  await inTransaction(db, async (trx) => {
    await insertJob(trx, {
      tenantId: TEST_TENANT,
      id,
      type: 'import',
      fileName: 'rows.csv',
      header: Buffer.from('id,Name'),
      columns,
      options: STORED_OPTIONS,
      dataset: dataset.name,
    });
    await insertChunk(trx, id, { seq: 0, firstRecord: 2, recordCount: 10, data: Buffer.from('x') });
    await finishUpload(trx, id, { bytes: 1, chunks: 1, rows: 10, columns });
  });
  expect(await acceptJob(db, id)).toMatchObject({ id, status: 'queued' });
  const attempt = (await claimChunk(db, id, 0, 'test'))!;
  await inClientTransaction(pool, (trx, copy) =>
    commitChunkResult(
      trx,
      {
        jobId: id,
        seq: 0,
        attempt,
        output: Buffer.from(rows.map(([k, n]) => `${k},${n}\n`).join('')),
        rowsAccepted: rows.length,
        rowsRejected: 0,
        rowsBlank: 0,
        errors: [],
        processedBy: 'test',
        staged: stagedRowsOf(
          0,
          rows.map(([id, name, line]) => ({ values: [id, name], line })),
        ),
      },
      UNLIMITED_ERRORS,
      copy,
    ),
  );
  expect((await finalizeImportJob(pool, id, options)).outcome).toBe('completed');
  return id;
}

async function changesOf(jobId: string) {
  const { rows } = await sql<{
    key: unknown;
    inserted: boolean;
    previous: Record<string, unknown> | null;
    line: string | null;
  }>`select key, inserted, previous, line from import_changes where job_id = ${jobId} order by key`.execute(
    db,
  );
  return rows.map((r) => ({ ...r, line: r.line === null ? null : Number(r.line) }));
}

const contents = () => readDatasetRows(db, dataset, { limit: 100, offset: 0 });

/** A dataset row's writer and file line (`_job_id`, `_line`). */
async function writerOf(id: number) {
  const { rows } = await sql<{ job: string; line: string | null }>`
    select _job_id::text as job, _line as line from ${sql.raw(datasetTable(dataset.tableName))}
    where id = ${id}`.execute(db);
  return rows.map((r) => ({ job: r.job, line: r.line === null ? null : Number(r.line) }))[0];
}

const revert = (jobId: string, force = false) =>
  revertImport(pool, TEST_TENANT, jobId, { ...options, force });

describe('the change log of imports', () => {
  let first: string;
  let second: string;

  it('logs the pre-image of each row an import updates, in the merge statement; inserted rows carry their job and line', async () => {
    first = await importRows([
      ['1', 'Ann', 2],
      ['2', 'Bob', 4],
    ]);
    // Inserts are not logged: the rows name their writer and line.
    expect(await changesOf(first)).toEqual([]);
    expect(await writerOf(1)).toEqual({ job: first, line: 2 });
    expect(await writerOf(2)).toEqual({ job: first, line: 4 });
    // 1 updated, 2 unchanged (not written: not logged), 3 inserted; the last row of a key wins.
    second = await importRows([
      ['1', 'Anne', 2],
      ['2', 'Bob', 3],
      ['3', 'Cy', 5],
      ['1', 'Annie', 7],
    ]);
    const logged = await changesOf(second);
    expect(logged.map(({ key, inserted, line }) => ({ key, inserted, line }))).toEqual([
      { key: { id: 1 }, inserted: false, line: 7 },
    ]);
    expect(logged[0]!.previous).toMatchObject({ id: 1, name: 'Ann', _job_id: first, _line: 2 });
    expect(await writerOf(1)).toEqual({ job: second, line: 7 });
    expect(await writerOf(2)).toEqual({ job: first, line: 4 });
    expect(await writerOf(3)).toEqual({ job: second, line: 5 });
  });

  it('a merge run again (at-least-once delivery) logs nothing twice', async () => {
    const before = await changesOf(second);
    expect((await finalizeImportJob(pool, second, options)).outcome).toBe('already-final');
    expect(await changesOf(second)).toEqual(before);
  });

  it('shows which imports wrote a row and from which line', async () => {
    const history = await readRowHistory(db, dataset, ['1']);
    expect(history).toMatchObject([
      { jobId: first, line: 2, change: 'inserted', previous: null, revertedAt: null },
      { jobId: second, line: 7, change: 'updated', previous: { id: '1', name: 'Ann' } },
    ]);
    expect(history).toHaveLength(2);
    expect(await readRowHistory(db, dataset, ['2'])).toMatchObject([
      { jobId: first, line: 4, change: 'inserted' },
    ]);
    expect(await readRowHistory(db, dataset, ['3'])).toMatchObject([
      { jobId: second, line: 5, change: 'inserted', previous: null },
    ]);
    expect(await readRowHistory(db, dataset, ['not a number'])).toBe('invalid-key');
  });

  it('a revert restores the rows before the import, once; a later write blocks it unless forced', async () => {
    const afterFirst = [
      { id: '1', name: 'Ann' },
      { id: '2', name: 'Bob' },
    ];
    expect(await revert(second)).toMatchObject({ outcome: 'reverted', deleted: 1, restored: 1 });
    expect(await contents()).toEqual(afterFirst);
    expect((await revert(second)).outcome).toBe('already-reverted');
    // Row 1 is back to the first import's (writer and line): its revert is not blocked by it.
    expect(await writerOf(1)).toEqual({ job: first, line: 2 });
    // The reverted insert stays in the history, marked reverted.
    const [inserted] = (await readRowHistory(db, dataset, ['3'])) as RowHistoryEntry[];
    expect(inserted).toMatchObject({ jobId: second, line: 5, change: 'inserted' });
    expect(inserted!.revertedAt).toBeInstanceOf(Date);
    expect(await readRowHistory(db, dataset, ['1'])).toMatchObject([
      { jobId: first, line: 2, change: 'inserted', revertedAt: null },
      { jobId: second, line: 7, change: 'updated', revertedAt: expect.any(Date) },
    ]);

    const third = await importRows([['2', 'Robert', 9]]);
    expect(await revert(first)).toEqual({
      outcome: 'conflict',
      laterWrites: [{ jobId: third, rows: 1 }],
    });
    expect(await contents()).toEqual([afterFirst[0], { id: '2', name: 'Robert' }]);
    expect(await revert(first, true)).toMatchObject({
      outcome: 'reverted',
      deleted: 2,
      overwrote: [{ jobId: third, rows: 1 }],
    });
    expect(await contents()).toEqual([]);
    // Both writes of row 2 stay in its history: the first's insert (reverted) and the third's update.
    expect(await readRowHistory(db, dataset, ['2'])).toMatchObject([
      { jobId: first, line: 4, change: 'inserted', revertedAt: expect.any(Date) },
      { jobId: third, line: 9, change: 'updated', previous: { id: '2', name: 'Bob' } },
    ]);
  });

  it('an import that only inserted logs nothing, and still reverts and shows in the history', async () => {
    const job = await importRows([
      ['10', 'Ida', 2],
      ['11', 'Jo', 3],
    ]);
    expect(await changesOf(job)).toEqual([]);
    expect(await readRowHistory(db, dataset, ['11'])).toMatchObject([
      { jobId: job, line: 3, change: 'inserted', revertedAt: null, previous: null },
    ]);
    expect(await revert(job)).toEqual({
      outcome: 'reverted',
      deleted: 2,
      restored: 0,
      overwrote: [],
    });
    expect((await contents()).filter((r) => ['10', '11'].includes(r.id as string))).toEqual([]);
    const history = await readRowHistory(db, dataset, ['11']);
    expect(history).toMatchObject([{ jobId: job, line: 3, change: 'inserted' }]);
    expect((history as RowHistoryEntry[])[0]!.revertedAt).toBeInstanceOf(Date);
  });

  it('a mixed import reverts after its own later update was reverted, without force', async () => {
    const inserts = await importRows([
      ['20', 'Kim', 2],
      ['21', 'Lu', 3],
    ]);
    const mixed = await importRows([
      ['20', 'Kimberly', 4],
      ['22', 'Max', 5],
    ]);
    expect(await readRowHistory(db, dataset, ['20'])).toMatchObject([
      { jobId: inserts, line: 2, change: 'inserted' },
      { jobId: mixed, line: 4, change: 'updated', previous: { id: '20', name: 'Kim' } },
    ]);
    // A later write of the earlier import's inserted row blocks its revert.
    expect(await revert(inserts)).toEqual({
      outcome: 'conflict',
      laterWrites: [{ jobId: mixed, rows: 1 }],
    });
    expect(await revert(mixed)).toMatchObject({ outcome: 'reverted', deleted: 1, restored: 1 });
    expect(await writerOf(20)).toEqual({ job: inserts, line: 2 });
    expect(await writerOf(22)).toBeUndefined();
    expect(await revert(inserts)).toMatchObject({ outcome: 'reverted', deleted: 2, restored: 0 });
    expect(await readRowHistory(db, dataset, ['20'])).toMatchObject([
      { jobId: inserts, line: 2, change: 'inserted', revertedAt: expect.any(Date) },
      { jobId: mixed, line: 4, change: 'updated', revertedAt: expect.any(Date) },
    ]);
    expect(await readRowHistory(db, dataset, ['22'])).toMatchObject([
      { jobId: mixed, line: 5, change: 'inserted', revertedAt: expect.any(Date) },
    ]);
  });

  it('reverts an import whose log holds its inserts too (merged before inserts were implicit)', async () => {
    const job = await importRows([['30', 'Ned', 2]]);
    // As migration 0021 logged it: the insert as a row of its own, jobs.change_log null.
    await sql`update jobs set change_log = null where id = ${job}`.execute(db);
    await sql`insert into import_changes (job_id, table_name, key, key_hash, inserted, line)
      values (${job}, ${dataset.tableName}, '{"id": 30}', hashtextextended('{"id": 30}', 0), true, 2)`.execute(
      db,
    );
    expect(await readRowHistory(db, dataset, ['30'])).toMatchObject([
      { jobId: job, line: 2, change: 'inserted' },
    ]);
    expect(await readRowHistory(db, dataset, ['30'])).toHaveLength(1);
    expect(await revert(job)).toMatchObject({ outcome: 'reverted', deleted: 1 });
    expect(await writerOf(30)).toBeUndefined();
  });

  it('retention deletes the change logs of imports merged long enough ago; they cannot be reverted then', async () => {
    // An import that only inserted: nothing logged, its rows say who wrote them.
    const old = await importRows([['5', 'Eve', 2]]);
    await sql`update jobs set finished_at = now() - interval '3 days' where id = ${old}`.execute(
      db,
    );
    expect(await readRowHistory(db, dataset, ['5'])).toHaveLength(1);
    const purged = await purgeExpiredRowHistory(db, { olderThanDays: 2, limit: 1000 });
    expect(purged.jobs).toBeGreaterThanOrEqual(1);
    expect(await changesOf(old)).toEqual([]);
    expect(await readRowHistory(db, dataset, ['5'])).toEqual([]);
    expect((await revert(old)).outcome).toBe('history-unavailable');
  });

  it('deleting a job deletes its change log (there is no foreign key to do it)', async () => {
    const inserted = await importRows([['6', 'Fay', 2]]);
    const job = await importRows([['6', 'Fae', 3]]);
    expect(await changesOf(job)).toHaveLength(1);
    expect(await removeJob(db, TEST_TENANT, job)).toBe(true);
    expect(await changesOf(job)).toEqual([]);
    // Its write leaves the history; the insert it overwrote (its pre-image) stays.
    expect(await readRowHistory(db, dataset, ['6'])).toMatchObject([
      { jobId: inserted, line: 2, change: 'inserted' },
    ]);
    expect(await readRowHistory(db, dataset, ['6'])).toHaveLength(1);
    expect(await revert(inserted)).toEqual({
      outcome: 'conflict',
      laterWrites: [{ jobId: job, rows: 1 }],
    });
  });
});
