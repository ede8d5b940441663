import { randomUUID } from 'node:crypto';
import type { StoredJobColumn } from '@sluice/contract';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { claimChunk, commitChunkResult } from './chunks.ts';
import { createDatabase } from './connection.ts';
import {
  countDatasetRows,
  createDataset,
  DATASET_LOCK_SQL,
  datasetTable,
  getDataset,
  readDatasetRows,
} from './datasets.ts';
import { finalizeImportJob } from './import-merge.ts';
import { getJob } from './job-views.ts';
import { migrateToLatest } from './migrate.ts';
import { STORED_OPTIONS, TEST_TENANT, UNLIMITED_ERRORS } from './test-helpers.ts';
import { inTransaction } from './transaction.ts';
import { acceptJob, deleteJob, finishUpload, insertChunk, insertJob } from './uploads.ts';

const handle = createDatabase({ url: inject('databaseUrl'), poolSize: 4 });
const { db, pool } = handle;
const options = { statementTimeoutMs: 30_000, maxAttempts: 3 };

// File columns: email -> email (key), Name -> full_name, Score -> score, Notes (not imported).
const columns: StoredJobColumn[] = [
  { name: 'email', type: 'email', required: true, target: 'email' },
  { name: 'Name', type: 'name', required: false, target: 'full_name' },
  { name: 'Score', type: 'integer', required: false, target: 'score' },
  { name: 'Notes', type: 'text', required: false },
];

let dataset: string;

beforeAll(async () => {
  await migrateToLatest(db);
  dataset = `people_${randomUUID().slice(0, 8)}`;
  await inTransaction(db, (trx) =>
    createDataset(trx, {
      tenantId: TEST_TENANT,
      name: dataset,
      columns: [
        { name: 'email', type: 'email', required: true },
        { name: 'full_name', type: 'name', required: false },
        { name: 'score', type: 'integer', required: false },
        { name: 'joined', type: 'date', required: false },
      ],
      key: ['email'],
    }),
  );
});
afterAll(() => handle.close());

/** An import job whose chunks are all done with the given normalized outputs. */
async function importJob(outputs: string[], into = dataset): Promise<string> {
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
      dataset: into,
    });
    for (const [seq] of outputs.entries()) {
      await insertChunk(trx, id, {
        seq,
        firstRecord: 2 + seq * 10,
        recordCount: 10,
        data: Buffer.from('x'),
      });
    }
    await finishUpload(trx, id, {
      bytes: 1,
      chunks: outputs.length,
      rows: outputs.length * 10,
      columns,
    });
  });
  expect(await acceptJob(db, id)).toMatchObject({ id, status: 'queued' });
  for (const [seq, output] of outputs.entries()) {
    const attempt = (await claimChunk(db, id, seq, 'test'))!;
    await inTransaction(db, (trx) =>
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
        },
        UNLIMITED_ERRORS,
      ),
    );
  }
  return id;
}

/** Resolves once some session waits for an advisory lock (the finalize under test). */
async function waitForLockWaiter(): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`.execute(
      db,
    );
    if (rows[0]!.n > 0) return;
    if (Date.now() > deadline) throw new Error('no session ever waited for the dataset lock');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A dataset of its own, for a test whose unfinished imports would hold up others. */
async function newDataset(prefix: string): Promise<string> {
  const name = `${prefix}_${randomUUID().slice(0, 8)}`;
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

async function rows(name = dataset) {
  const view = (await getDataset(db, TEST_TENANT, name))!;
  return readDatasetRows(db, view, { limit: 100, offset: 0 });
}

describe('finalizeImportJob', () => {
  it('upserts by key: inserts, then updates changed rows, leaves identical rows alone', async () => {
    const first = await importJob([
      'a@x.org,Ann Lee,1,keep out\nb@x.org,Bob Ray,,\n',
      'c@x.org,"Cy, Jr.",3,\n',
    ]);
    const r1 = await finalizeImportJob(pool, first, options);
    expect(r1).toEqual({
      outcome: 'completed',
      dataset,
      stats: { staged: 3, inserted: 3, updated: 0, unchanged: 0, duplicate: 0 },
    });
    expect(await rows()).toEqual([
      { email: 'a@x.org', full_name: 'Ann Lee', score: '1', joined: null },
      { email: 'b@x.org', full_name: 'Bob Ray', score: null, joined: null },
      { email: 'c@x.org', full_name: 'Cy, Jr.', score: '3', joined: null },
    ]);
    const job = (await getJob(db, TEST_TENANT, first))!;
    expect(job).toMatchObject({
      status: 'completed',
      rowsInserted: 3,
      rowsUpdated: 0,
      rowsAccepted: 3,
    });

    // Edited file: a changed, b identical, d new; d appears twice (last wins).
    const second = await importJob([
      'a@x.org,Ann Lee-Smith,2,\nb@x.org,Bob Ray,,\n',
      'd@x.org,Dee,4,\nd@x.org,Dee,5,\n',
    ]);
    const r2 = await finalizeImportJob(pool, second, options);
    expect(r2).toMatchObject({
      outcome: 'completed',
      stats: { staged: 4, inserted: 1, updated: 1, unchanged: 1, duplicate: 1 },
    });
    expect(await countDatasetRows(db, (await getDataset(db, TEST_TENANT, dataset))!)).toBe(4);
    expect((await rows()).map((r) => [r.email, r.full_name, r.score])).toEqual([
      ['a@x.org', 'Ann Lee-Smith', '2'],
      ['b@x.org', 'Bob Ray', null],
      ['c@x.org', 'Cy, Jr.', '3'],
      ['d@x.org', 'Dee', '5'],
    ]);
    // The unchanged row kept the job that last wrote it.
    const { rows: owners } = await sql<{ email: string; job: string }>`
      select email, _job_id::text as job from ${sql.raw(datasetTable((await getDataset(db, TEST_TENANT, dataset))!.tableName))} order by email`.execute(
      db,
    );
    expect(owners.map((o) => o.job)).toEqual([second, first, first, second]);
  });

  it('into an empty dataset (plain INSERT): last row per key wins, duplicates counted', async () => {
    const empty = `people_${randomUUID().slice(0, 8)}`;
    await inTransaction(db, (trx) =>
      createDataset(trx, {
        tenantId: TEST_TENANT,
        name: empty,
        columns: [
          { name: 'email', type: 'email', required: true },
          { name: 'full_name', type: 'name', required: false },
          { name: 'score', type: 'integer', required: false },
        ],
        key: ['email'],
      }),
    );
    const id = await importJob(
      ['k@x.org,Kim,1,\nl@x.org,Lou,2,\n', 'k@x.org,Kim Park,3,\nk@x.org,Kim Park,4,\n'],
      empty,
    );
    expect(await finalizeImportJob(pool, id, options)).toEqual({
      outcome: 'completed',
      dataset: empty,
      stats: { staged: 4, inserted: 2, updated: 0, unchanged: 0, duplicate: 2 },
    });
    const { rows: stored } = await sql<{ email: string; full_name: string; score: string }>`
      select email, full_name, score::text as score
      from ${sql.raw(datasetTable((await getDataset(db, TEST_TENANT, empty))!.tableName))} order by email`.execute(
      db,
    );
    expect(stored).toEqual([
      { email: 'k@x.org', full_name: 'Kim Park', score: '4' },
      { email: 'l@x.org', full_name: 'Lou', score: '2' },
    ]);
    // The same file again goes the upsert way (the table is no longer empty): nothing changes.
    const again = await importJob(
      ['k@x.org,Kim,1,\nl@x.org,Lou,2,\n', 'k@x.org,Kim Park,3,\nk@x.org,Kim Park,4,\n'],
      empty,
    );
    expect(await finalizeImportJob(pool, again, options)).toMatchObject({
      outcome: 'completed',
      stats: { staged: 4, inserted: 0, updated: 0, unchanged: 2, duplicate: 2 },
    });
  });

  it('commits once: a repeated or concurrent finalize changes nothing', async () => {
    const id = await importJob(['e@x.org,Eve,1,\n']);
    const results = await Promise.all([
      finalizeImportJob(pool, id, options),
      finalizeImportJob(pool, id, options),
      finalizeImportJob(pool, id, options),
    ]);
    expect(results.filter((r) => r.outcome === 'completed')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'already-final')).toHaveLength(2);
    expect(await finalizeImportJob(pool, id, options)).toEqual({ outcome: 'already-final' });
    expect((await rows()).filter((r) => r.email === 'e@x.org')).toHaveLength(1);
  });

  it('stamps finishedAt when the merge ends, not when its transaction began', async () => {
    const id = await importJob(['f@x.org,Fay,2,\n']);
    // Hold the dataset's merge lock: the finalize transaction begins, then
    // waits here; its job must not be stamped finished before the wait.
    const holder = await pool.connect();
    try {
      await holder.query('begin');
      await holder.query(DATASET_LOCK_SQL, [
        (await getDataset(db, TEST_TENANT, dataset))!.tableName,
      ]);
      const merged = finalizeImportJob(pool, id, options);
      await waitForLockWaiter();
      const released = (await holder.query<{ at: Date }>('select clock_timestamp() as at')).rows[0]!
        .at;
      await holder.query('commit');
      expect((await merged).outcome).toBe('completed');
      const job = await getJob(db, TEST_TENANT, id);
      expect(job!.finishedAt!.getTime()).toBeGreaterThanOrEqual(released.getTime());
    } finally {
      holder.release();
    }
  });

  it('waits for pending chunks and leaves the dataset untouched', async () => {
    const id = randomUUID();
    await inTransaction(db, async (trx) => {
      await insertJob(trx, {
        tenantId: TEST_TENANT,
        id,
        type: 'import',
        fileName: null,
        header: Buffer.from('email'),
        columns,
        options: STORED_OPTIONS,
        dataset,
      });
      await insertChunk(trx, id, {
        seq: 0,
        firstRecord: 2,
        recordCount: 1,
        data: Buffer.from('x'),
      });
      await finishUpload(trx, id, { bytes: 1, chunks: 1, rows: 1, columns });
    });
    const before = await rows();
    // Not accepted yet: nothing may finish it.
    expect(await finalizeImportJob(pool, id, options)).toEqual({ outcome: 'not-accepted' });
    expect(await acceptJob(db, id)).toMatchObject({ id, status: 'queued' });
    expect(await finalizeImportJob(pool, id, options)).toEqual({ outcome: 'chunks-pending' });
    expect(await rows()).toEqual(before);
    expect(await finalizeImportJob(pool, randomUUID(), options)).toEqual({ outcome: 'missing' });
    // An unfinished import would hold back every later import into the dataset.
    await deleteJob(db, id);
  });

  it('merges imports into one dataset in the order they were accepted', async () => {
    const target = await newDataset('ordered');
    // Accepted first: the stale file. Accepted second: its correction.
    const stale = await importJob(['o@x.org,Old Name,1,\n'], target);
    const corrected = await importJob(['o@x.org,New Name,2,\n'], target);
    // The correction is ready first; it must not merge before the stale file...
    expect(await finalizeImportJob(pool, corrected, options)).toEqual({
      outcome: 'earlier-import-pending',
      earlierJobId: stale,
    });
    expect((await getJob(db, TEST_TENANT, corrected))!.status).toBe('queued');
    // ...which merges, and then the correction overwrites it.
    expect(await finalizeImportJob(pool, stale, options)).toMatchObject({ outcome: 'completed' });
    expect(await finalizeImportJob(pool, corrected, options)).toMatchObject({
      outcome: 'completed',
      stats: { updated: 1 },
    });
    const dataset = (await getDataset(db, TEST_TENANT, target))!;
    expect(await readDatasetRows(db, dataset, { limit: 10, offset: 0 })).toEqual([
      { email: 'o@x.org', full_name: 'New Name', score: '2' },
    ]);
  });

  it('a value the column type cannot hold fails the merge atomically with a clear error', async () => {
    const before = await rows();
    const id = await importJob(['f@x.org,Fay,1,\n', 'g@x.org,Gus,not-a-number,\n']);
    await expect(finalizeImportJob(pool, id, options)).rejects.toThrow(
      /invalid input syntax for type numeric/,
    );
    expect(await rows()).toEqual(before);
    expect((await getJob(db, TEST_TENANT, id))!.status).toBe('queued');
  });

  it('a merge cancelled by its statement timeout while a lock is held is retried, and completes', async () => {
    const target = await newDataset('locked');
    const id = await importJob(['t@x.org,Tim,7,\n'], target);
    // Someone (an operator's maintenance, a long report) holds the dataset's table.
    const holder = await pool.connect();
    try {
      await holder.query('begin');
      await holder.query(
        `lock table ${datasetTable((await getDataset(db, TEST_TENANT, target))!.tableName)} in access exclusive mode`,
      );
      setTimeout(() => void holder.query('commit'), 1_500);
      const retried: string[] = [];
      const result = await finalizeImportJob(pool, id, {
        statementTimeoutMs: 1_000,
        maxAttempts: 5,
        baseDelayMs: 50,
        onRetry: (e) => retried.push((e as { code?: string }).code ?? '?'),
      });
      expect(result).toMatchObject({ outcome: 'completed', stats: { inserted: 1 } });
      expect(retried[0]).toBe('57014');
    } finally {
      holder.release();
    }
    expect((await getJob(db, TEST_TENANT, id))!.status).toBe('completed');
  });

  it('a merge that times out on every try gives up after maxTimeoutAttempts, nothing merged', async () => {
    const target = await newDataset('locked');
    const id = await importJob(['u@x.org,Una,8,\n'], target);
    const holder = await pool.connect();
    let tries = 0;
    try {
      await holder.query('begin');
      await holder.query(
        `lock table ${datasetTable((await getDataset(db, TEST_TENANT, target))!.tableName)} in access exclusive mode`,
      );
      await expect(
        finalizeImportJob(pool, id, {
          statementTimeoutMs: 1_000,
          maxAttempts: 5,
          maxTimeoutAttempts: 2,
          baseDelayMs: 1,
          onRetry: () => (tries += 1),
        }),
      ).rejects.toMatchObject({ code: '57014' });
    } finally {
      await holder.query('commit');
      holder.release();
    }
    expect(tries).toBe(1);
    expect(await rows(target)).toEqual([]);
    expect((await getJob(db, TEST_TENANT, id))!.status).toBe('queued');
  });
});
