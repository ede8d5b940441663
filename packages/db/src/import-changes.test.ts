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
import { readRowHistory } from './row-history.ts';
import { STORED_OPTIONS, TEST_TENANT, UNLIMITED_ERRORS } from './test-helpers.ts';
import { inTransaction } from './transaction.ts';
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

const literal = (values: string[]) =>
  new TextEncoder().encode(`{${values.map((v) => (v === '' ? 'NULL' : `"${v}"`)).join(',')}}`);

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
  await inTransaction(db, (trx) =>
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
        staged: {
          rows: rows.length,
          columns: [literal(rows.map((r) => r[0])), literal(rows.map((r) => r[1]))],
          lines: rows.map((r) => r[2]),
        },
      },
      UNLIMITED_ERRORS,
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

describe('the change log of imports', () => {
  let first: string;
  let second: string;

  it('logs every row an import writes, in the merge statement: keys, pre-image, file line', async () => {
    first = await importRows([
      ['1', 'Ann', 2],
      ['2', 'Bob', 4],
    ]);
    expect(await changesOf(first)).toEqual([
      { key: { id: 1 }, inserted: true, previous: null, line: 2 },
      { key: { id: 2 }, inserted: true, previous: null, line: 4 },
    ]);
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
      { key: { id: 3 }, inserted: true, line: 5 },
    ]);
    expect(logged[0]!.previous).toMatchObject({ id: 1, name: 'Ann', _job_id: first });
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
    expect(await readRowHistory(db, dataset, ['2'])).toMatchObject([{ jobId: first, line: 4 }]);
    expect(await readRowHistory(db, dataset, ['not a number'])).toBe('invalid-key');
  });

  it('a revert restores the rows before the import, once; a later write blocks it unless forced', async () => {
    const afterFirst = [
      { id: '1', name: 'Ann' },
      { id: '2', name: 'Bob' },
    ];
    const force = { ...options, force: false };
    expect(await revertImport(pool, TEST_TENANT, second, force)).toMatchObject({
      outcome: 'reverted',
      deleted: 1,
      restored: 1,
    });
    expect(await contents()).toEqual(afterFirst);
    expect((await revertImport(pool, TEST_TENANT, second, force)).outcome).toBe('already-reverted');
    // Row 1 is back to the first import's: its revert is not blocked by it.
    const { rows } = await sql<{
      _job_id: string;
    }>`select _job_id from ${sql.raw(datasetTable(dataset.tableName))} where id = 1`.execute(db);
    expect(rows[0]!._job_id).toBe(first);

    const third = await importRows([['2', 'Robert', 9]]);
    expect(await revertImport(pool, TEST_TENANT, first, force)).toEqual({
      outcome: 'conflict',
      laterWrites: [{ jobId: third, rows: 1 }],
    });
    expect(await contents()).toEqual([afterFirst[0], { id: '2', name: 'Robert' }]);
    expect(await revertImport(pool, TEST_TENANT, first, { ...options, force: true })).toMatchObject(
      { outcome: 'reverted', deleted: 2, overwrote: [{ jobId: third, rows: 1 }] },
    );
    expect(await contents()).toEqual([]);
  });

  it('retention deletes the change logs of imports merged long enough ago; they cannot be reverted then', async () => {
    const old = await importRows([['5', 'Eve', 2]]);
    await sql`update jobs set finished_at = now() - interval '3 days' where id = ${old}`.execute(
      db,
    );
    const purged = await purgeExpiredRowHistory(db, { olderThanDays: 2, limit: 1000 });
    expect(purged.jobs).toBeGreaterThanOrEqual(1);
    expect(await changesOf(old)).toEqual([]);
    expect(await readRowHistory(db, dataset, ['5'])).toEqual([]);
    expect((await revertImport(pool, TEST_TENANT, old, { ...options, force: false })).outcome).toBe(
      'history-unavailable',
    );
  });

  it('deleting a job deletes its change log (there is no foreign key to do it)', async () => {
    const job = await importRows([['6', 'Fay', 2]]);
    expect(await changesOf(job)).toHaveLength(1);
    expect(await removeJob(db, TEST_TENANT, job)).toBe(true);
    expect(await changesOf(job)).toEqual([]);
  });
});
