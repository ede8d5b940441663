// uploads.ts: a job is nobody's until accepted; whole small uploads and batches in one statement; silent uploads removed.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase } from './connection.ts';
import { createDataset } from './datasets.ts';
import { importStageTable } from './import-stage.ts';
import { finalizeJob } from './job-completion.ts';
import { getJob, listJobs } from './job-views.ts';
import { migrateToLatest } from './migrate.ts';
import { removeAbandonedUploads } from './reconcile.ts';
import { STORED_OPTIONS, storeAcceptedJob, TEST_TENANT } from './test-helpers.ts';
import { inTransaction } from './transaction.ts';
import {
  acceptJob,
  acceptJobs,
  acceptNonImportJobs,
  finishUpload,
  insertChunk,
  insertJob,
  insertWholeUpload,
  insertWholeUploads,
} from './uploads.ts';

const handle = createDatabase({ url: inject('databaseUrl'), poolSize: 4 });
const { db } = handle;

beforeAll(async () => {
  await migrateToLatest(db);
});
afterAll(() => handle.close());

const newJob = (chunks: number) =>
  storeAcceptedJob(db, {
    chunks,
    recordsPerChunk: 10,
    columns: [{ name: 'a', type: 'email', required: true }],
  });

describe('acceptance', () => {
  it('keeps a receiving job from everyone until it is accepted, then queues it once', async () => {
    const id = randomUUID();
    await insertJob(db, {
      tenantId: TEST_TENANT,
      id,
      type: 'normalize',
      fileName: 'x.csv',
      header: Buffer.from('a'),
      columns: [{ name: 'a', type: 'text', required: false }],
      options: STORED_OPTIONS,
    });
    const chunk = { seq: 0, firstRecord: 2, recordCount: 1, data: Buffer.from('x\n') };
    expect(await insertChunk(db, id, chunk)).toBe(true);
    // A retried insert whose first commit went through changes nothing.
    expect(await insertChunk(db, id, chunk)).toBe(true);
    const columns = [{ name: 'a', type: 'text' as const, required: false }];
    expect(await finishUpload(db, id, { bytes: 3, chunks: 1, rows: 1, columns })).toBe(true);
    expect(await getJob(db, TEST_TENANT, id)).toBeUndefined();
    const { items } = await listJobs(db, TEST_TENANT, {}, { limit: 1000, offset: 0 });
    expect(items.map((j) => j.id)).not.toContain(id);
    expect(await inTransaction(db, (trx) => finalizeJob(trx, id))).toBe('not-accepted');

    // The 202's view comes from the accepting statement itself.
    const accepted = await acceptJob(db, id);
    expect(accepted).toMatchObject({ id, status: 'queued', chunksTotal: 1, chunksDone: 0 });
    expect(await acceptJob(db, id)).toBeUndefined();
    expect(await getJob(db, TEST_TENANT, id)).toEqual(accepted);
    // Accepted: no more chunks, totals or acceptance for it.
    expect(await insertChunk(db, id, { ...chunk, seq: 1 })).toBe(false);
    expect(await finishUpload(db, id, { bytes: 3, chunks: 1, rows: 1, columns })).toBe(false);
  });

  it('stores chunks of one upload on several connections at once, each in its own transaction', async () => {
    const id = randomUUID();
    await insertJob(db, {
      tenantId: TEST_TENANT,
      id,
      type: 'normalize',
      fileName: 'x.csv',
      header: Buffer.from('a'),
      columns: [{ name: 'a', type: 'text', required: false }],
      options: STORED_OPTIONS,
    });
    const chunk = (seq: number) => ({
      seq,
      firstRecord: 2 + seq,
      recordCount: 1,
      data: Buffer.alloc(256 * 1024, 0x61 + seq),
    });
    // Four transactions at once (the pool's size): none waits on another's
    // chunk, only on the touch of the job row, so all commit.
    const stored = await Promise.all(
      [0, 1, 2, 3].map((seq) => inTransaction(db, (trx) => insertChunk(trx, id, chunk(seq)))),
    );
    expect(stored).toEqual([true, true, true, true]);
    const rows = await sql<{ seq: number; first: string }>`
      select seq, encode(substring(data from 1 for 1), 'escape') as first
      from job_chunks where job_id = ${id} order by seq`.execute(db);
    expect(rows.rows).toEqual([
      { seq: 0, first: 'a' },
      { seq: 1, first: 'b' },
      { seq: 2, first: 'c' },
      { seq: 3, first: 'd' },
    ]);
    // Gone (abandoned and removed): a chunk finds no job and stores nothing.
    await db.deleteFrom('jobs').where('id', '=', id).execute();
    expect(await insertChunk(db, id, chunk(4))).toBe(false);
  });

  it('stores a whole one-chunk upload in one statement: job with its totals and chunk, or neither', async () => {
    const id = randomUUID();
    const job = {
      tenantId: TEST_TENANT,
      id,
      type: 'normalize' as const,
      fileName: 'small.csv',
      header: Buffer.from('a'),
      columns: [{ name: 'a', type: 'text' as const, required: false }],
      options: STORED_OPTIONS,
    };
    const chunk = {
      seq: 0,
      firstRecord: 2,
      recordCount: 2,
      data: Buffer.from('x@example.com\ny\n'),
    };
    const columns = [{ name: 'a', type: 'email' as const, required: false }];
    await insertWholeUpload(db, job, chunk, { bytes: 18, chunks: 1, rows: 2, columns });
    // Stored, not yet anybody's: acceptance still comes separately.
    expect(await getJob(db, TEST_TENANT, id)).toBeUndefined();
    const stored = await sql<{
      seq: number;
      first_record: number;
      record_count: number;
      data: Buffer;
    }>`
      select seq, first_record, record_count, data from job_chunks where job_id = ${id}`.execute(
      db,
    );
    expect(stored.rows).toEqual([{ seq: 0, first_record: 2, record_count: 2, data: chunk.data }]);
    const accepted = await acceptJob(db, id);
    expect(accepted).toMatchObject({
      id,
      status: 'queued',
      chunksTotal: 1,
      rowsTotal: 2,
      bytesTotal: 18,
      fileName: 'small.csv',
      columns,
    });
    // A job that cannot be stored (its id taken) stores no chunk either.
    await expect(
      insertWholeUpload(db, job, { ...chunk, seq: 1 }, { bytes: 18, chunks: 1, rows: 2, columns }),
    ).rejects.toThrow(/duplicate key/);
    const chunks = await sql<{ n: number }>`
      select count(*)::int as n from job_chunks where job_id = ${id}`.execute(db);
    expect(chunks.rows[0]?.n).toBe(1);
  });

  it('writes each job row of a batch as the step-by-step upload writes it', async () => {
    const columns = [{ name: 'a', type: 'email' as const, required: false }];
    const job = (id: string, fileName: string | null) => ({
      tenantId: TEST_TENANT,
      id,
      type: 'normalize' as const,
      fileName,
      header: Buffer.from('a,"b"'),
      columns: [{ name: 'a', type: 'text' as const, required: false }],
      options: STORED_OPTIONS,
    });
    const chunk = { seq: 0, firstRecord: 2, recordCount: 1, data: Buffer.from('x\n') };
    const totals = { bytes: 8, chunks: 1, rows: 1, columns };
    // Step by step: job row, chunk, totals.
    const stepwise = randomUUID();
    await insertJob(db, job(stepwise, 'one.csv'));
    await insertChunk(db, stepwise, chunk);
    await finishUpload(db, stepwise, totals);
    // Whole, in a batch of three (parameters numbered past the first row).
    const batch = [randomUUID(), randomUUID(), randomUUID()];
    await insertWholeUploads(
      db,
      batch.map((id, i) => ({ job: job(id, i === 1 ? 'one.csv' : null), chunk, totals })),
    );
    const rows = await sql<Record<string, unknown>>`
      select * from jobs where id = any(${[stepwise, ...batch]}::uuid[])`.execute(db);
    const comparable = (id: string) => {
      const row = rows.rows.find((r) => r.id === id)!;
      expect(row.upload_touched_at).toBeInstanceOf(Date);
      const { id: _, created_at: __, upload_touched_at: ___, ...rest } = row;
      return rest;
    };
    expect(comparable(batch[1]!)).toEqual(comparable(stepwise));
    expect(comparable(batch[0]!)).toEqual({ ...comparable(stepwise), file_name: null });
    const stored = await sql<{ job_id: string; data: Buffer }>`
      select job_id, data from job_chunks where job_id = any(${batch}::uuid[])`.execute(db);
    expect(stored.rows.map((r) => r.data.toString())).toEqual(['x\n', 'x\n', 'x\n']);
  });

  it('stores and accepts several whole uploads in one statement each, every job its own chunk', async () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const columns = [{ name: 'a', type: 'text' as const, required: false }];
    await insertWholeUploads(
      db,
      ids.map((id, i) => ({
        job: {
          tenantId: TEST_TENANT,
          id,
          type: 'normalize' as const,
          fileName: `f${i}.csv`,
          header: Buffer.from('a'),
          columns,
          options: STORED_OPTIONS,
        },
        chunk: {
          seq: 0,
          firstRecord: 2,
          recordCount: i + 1,
          data: Buffer.from('x\n'.repeat(i + 1)),
        },
        totals: { bytes: 2 + 2 * (i + 1), chunks: 1, rows: i + 1, columns },
      })),
    );
    const stored = await sql<{ job_id: string; record_count: number; data: Buffer }>`
      select job_id, record_count, data from job_chunks where job_id = any(${ids}::uuid[])`.execute(
      db,
    );
    expect(
      new Map(stored.rows.map((r) => [r.job_id, [r.record_count, r.data.toString()]])),
    ).toEqual(new Map(ids.map((id, i) => [id, [i + 1, 'x\n'.repeat(i + 1)]])));
    // One of them is gone (removed as abandoned): the others are accepted, it is not.
    await sql`delete from jobs where id = ${ids[1]}`.execute(db);
    const accepted = await acceptJobs(db, ids);
    expect([...accepted.keys()].sort()).toEqual([ids[0], ids[2]].sort());
    expect(accepted.get(ids[2]!)).toMatchObject({
      status: 'queued',
      rowsTotal: 3,
      fileName: 'f2.csv',
    });
    expect((await acceptJobs(db, ids)).size).toBe(0);
  });

  it('accepts jobs other than imports in one statement, and never an import (its stage needs acceptJobs)', async () => {
    const dataset = `accept_${randomUUID().slice(0, 8)}`;
    await inTransaction(db, (trx) =>
      createDataset(trx, {
        tenantId: TEST_TENANT,
        name: dataset,
        columns: [{ name: 'email', type: 'email', required: true }],
        key: ['email'],
      }),
    );
    const columns = [{ name: 'a', type: 'email' as const, required: true, target: 'email' }];
    const [normalize, imported] = [randomUUID(), randomUUID()];
    await insertWholeUploads(
      db,
      [normalize, imported].map((id) => ({
        job: {
          tenantId: TEST_TENANT,
          id,
          type: id === imported ? ('import' as const) : ('normalize' as const),
          fileName: 'a.csv',
          header: Buffer.from('a'),
          columns,
          options: STORED_OPTIONS,
          dataset: id === imported ? dataset : undefined,
        },
        chunk: { seq: 0, firstRecord: 2, recordCount: 1, data: Buffer.from('x@example.com\n') },
        totals: { bytes: 16, chunks: 1, rows: 1, columns },
      })),
    );
    const accepted = await acceptNonImportJobs(db, [normalize, imported]);
    expect([...accepted.keys()]).toEqual([normalize]);
    expect(accepted.get(normalize)).toMatchObject({ status: 'queued', type: 'normalize' });
    // The import is still receiving, with no stage; acceptJobs accepts it with one.
    const stage = () =>
      sql<{
        staged: boolean;
      }>`select to_regclass(${importStageTable(imported)}) is not null as staged`.execute(db);
    expect((await stage()).rows[0]?.staged).toBe(false);
    expect((await acceptNonImportJobs(db, [normalize, imported])).size).toBe(0);
    expect((await acceptJobs(db, [imported])).get(imported)).toMatchObject({ status: 'queued' });
    expect((await stage()).rows[0]?.staged).toBe(true);
  });

  it('removes uploads that were never accepted and went silent, and nothing else', async () => {
    const silent = randomUUID();
    await insertJob(db, {
      tenantId: TEST_TENANT,
      id: silent,
      type: 'normalize',
      fileName: null,
      header: Buffer.from('a'),
      columns: [{ name: 'a', type: 'text', required: false }],
      options: STORED_OPTIONS,
    });
    const chunk = { seq: 0, firstRecord: 2, recordCount: 1, data: Buffer.from('x\n') };
    await insertChunk(db, silent, chunk);
    await sql`update jobs set upload_touched_at = now() - interval '1 hour' where id = ${silent}`.execute(
      db,
    );
    const accepted = await newJob(1);
    const removed = await removeAbandonedUploads(db, { silentForMs: 60_000, limit: 100 });
    expect(removed).toContain(silent);
    expect(removed).not.toContain(accepted);
    const left = await sql<{ n: number }>`
      select count(*)::int as n from job_chunks where job_id = ${silent}`.execute(db);
    expect(left.rows[0]?.n).toBe(0);
    // Its upload, if still going, learns it was removed.
    expect(await insertChunk(db, silent, { ...chunk, seq: 1 })).toBe(false);
    expect(await acceptJob(db, silent)).toBeUndefined();
  });
});
