import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureTenant } from './api-keys.ts';
import { claimChunk, commitChunkResult } from './chunks.ts';
import { createDatabase } from './connection.ts';
import { countDatasetRows, createDataset, getDataset, listDatasets } from './datasets.ts';
import { finalizeImportJob } from './import-merge.ts';
import { cancelJob, removeJob } from './job-control.ts';
import { getJob, listJobs } from './job-views.ts';
import { migrateToLatest } from './migrate.ts';
import { STORED_OPTIONS, UNLIMITED_ERRORS } from './test-helpers.ts';
import { inTransaction } from './transaction.ts';
import { acceptJob, finishUpload, insertChunk, insertJob } from './uploads.ts';

const handle = createDatabase({ url: inject('databaseUrl'), poolSize: 4 });
const { db, pool } = handle;
let a: string;
let b: string;

beforeAll(async () => {
  await migrateToLatest(db);
  a = (await ensureTenant(db, `ta-${randomUUID().slice(0, 8)}`)).id;
  b = (await ensureTenant(db, `tb-${randomUUID().slice(0, 8)}`)).id;
});
afterAll(() => handle.close());

const columns = [
  { name: 'email', type: 'email' as const, required: true },
  { name: 'score', type: 'integer' as const, required: false },
];

/** An accepted import job of one done chunk with `output` (normalized rows). */
async function importInto(tenantId: string, dataset: string, output: string): Promise<string> {
  const id = randomUUID();
  const jobColumns = columns.map((c) => ({ ...c, target: c.name }));
  await inTransaction(db, async (trx) => {
    await insertJob(trx, {
      id,
      tenantId,
      type: 'import',
      fileName: null,
      header: Buffer.from('email,score'),
      columns: jobColumns,
      options: STORED_OPTIONS,
      dataset,
    });
    await insertChunk(trx, id, { seq: 0, firstRecord: 2, recordCount: 1, data: Buffer.from('x') });
    await finishUpload(trx, id, { bytes: 1, chunks: 1, rows: 1, columns: jobColumns });
  });
  await acceptJob(db, id);
  const attempt = await claimChunk(db, id, 0, 'w');
  await inTransaction(db, (trx) =>
    commitChunkResult(
      trx,
      {
        jobId: id,
        seq: 0,
        attempt: attempt!,
        output: Buffer.from(output),
        rowsAccepted: 1,
        rowsRejected: 0,
        rowsBlank: 0,
        errors: [],
        processedBy: 'w',
      },
      UNLIMITED_ERRORS,
    ),
  );
  return id;
}

describe('tenants', () => {
  it('each have their own dataset of the same name, with its own table and rows', async () => {
    for (const tenantId of [a, b]) {
      await inTransaction(db, (trx) =>
        createDataset(trx, { tenantId, name: 'people', columns, key: ['email'] }),
      );
    }
    const [ofA, ofB] = [(await getDataset(db, a, 'people'))!, (await getDataset(db, b, 'people'))!];
    expect(ofA.tableName).not.toBe(ofB.tableName);
    const jobA = await importInto(a, 'people', 'a@x.org,1\n');
    const jobB = await importInto(b, 'people', 'b@x.org,2\nc@x.org,3\n');
    for (const id of [jobA, jobB]) {
      expect(
        await finalizeImportJob(pool, id, { statementTimeoutMs: 30_000, maxAttempts: 1 }),
      ).toMatchObject({ outcome: 'completed' });
    }
    expect(await countDatasetRows(db, ofA)).toBe(1);
    expect(await countDatasetRows(db, ofB)).toBe(2);
    expect(
      (await listDatasets(db, a, { limit: 10, offset: 0 })).items.map((d) => d.tableName),
    ).toEqual([ofA.tableName]);
  });

  it('see, list, cancel and delete only their own jobs', async () => {
    await inTransaction(db, (trx) =>
      createDataset(trx, { tenantId: a, name: 'mine', columns, key: ['email'] }),
    );
    const id = await importInto(a, 'mine', 'd@x.org,4\n');
    expect(await getJob(db, a, id)).toMatchObject({ id, tenantId: a });
    expect(await getJob(db, b, id)).toBeUndefined();
    const listedByB = await listJobs(db, b, {}, { limit: 1000, offset: 0 });
    expect(listedByB.items.map((j) => j.id)).not.toContain(id);
    expect(await cancelJob(db, b, id)).toEqual({ outcome: 'missing' });
    expect(await removeJob(db, b, id)).toBe(false);
    expect(await getJob(db, a, id)).toMatchObject({ status: 'queued' });
    expect(await removeJob(db, a, id)).toBe(true);
  });
});
