import type { RowError } from '@sluice/contract';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { claimChunk, commitChunkResult } from './chunks.ts';
import { createDatabase } from './connection.ts';
import { finalizeJob } from './job-completion.ts';
import { getJob, readJobErrors } from './job-views.ts';
import { migrateToLatest } from './migrate.ts';
import { storeAcceptedJob, TEST_TENANT, UNLIMITED_ERRORS } from './test-helpers.ts';
import { inTransaction } from './transaction.ts';
import { type ChunkUniqueValues, storeChunkUniqueValues } from './unique-values.ts';

const handle = createDatabase({ url: inject('databaseUrl'), poolSize: 4 });
const { db } = handle;

beforeAll(() => migrateToLatest(db));
afterAll(() => handle.close());

const ROWS = 3;

/** A chunk's unique email values: [record number, value] pairs. */
const uniqueOf = (pairs: Array<[number, string]>): ChunkUniqueValues => ({
  columns: pairs.map(() => 'email'),
  values: pairs.map(([, v]) => v),
  raws: pairs.map(([, v]) => v.toUpperCase()),
  recordNumbers: pairs.map(([r]) => r),
});

async function commit(jobId: string, seq: number, unique: ChunkUniqueValues, attempt?: number) {
  const claimed = attempt ?? (await claimChunk(db, jobId, seq, 'test'))!;
  const outcome = await inTransaction(db, (trx) =>
    commitChunkResult(
      trx,
      {
        jobId,
        seq,
        attempt: claimed,
        output: Buffer.from('x\n'),
        rowsAccepted: ROWS,
        rowsRejected: 0,
        rowsBlank: 0,
        errors: [],
        processedBy: 'test',
        unique,
      },
      UNLIMITED_ERRORS,
    ),
  );
  return { outcome, claimed };
}

async function storedErrors(jobId: string): Promise<RowError[]> {
  const all: RowError[] = [];
  for await (const page of readJobErrors(db, jobId)) all.push(...page);
  return all;
}

describe('duplicates of unique columns across chunks', () => {
  it('are found at finalize over every chunk, whatever their commit order and repeats', async () => {
    const id = await storeAcceptedJob(db, {
      chunks: 3,
      recordsPerChunk: ROWS,
      columns: [{ name: 'email', type: 'email', required: false }],
    });
    // Records 2-4, 5-7, 8-10; the last chunk commits first.
    await commit(
      id,
      2,
      uniqueOf([
        [8, 'a@x.io'],
        [9, 'c@x.io'],
        [10, 'a@x.io'],
      ]),
    );
    const first = await commit(
      id,
      0,
      uniqueOf([
        [2, 'a@x.io'],
        [3, 'b@x.io'],
      ]),
    );
    // The same attempt delivered again: fenced, nothing stored twice.
    expect((await commit(id, 0, uniqueOf([[2, 'a@x.io']]), first.claimed)).outcome).toBe(
      'already-done',
    );
    await commit(
      id,
      1,
      uniqueOf([
        [5, 'b@x.io'],
        [6, 'd@x.io'],
      ]),
    );

    expect(await inTransaction(db, (trx) => finalizeJob(trx, id))).toBe('completed');
    const errors = await storedErrors(id);
    expect(errors.map((e) => [e.recordNumber, e.column, e.raw, e.code])).toEqual([
      [5, 'email', 'B@X.IO', 'duplicate_in_file'],
      [8, 'email', 'A@X.IO', 'duplicate_in_file'],
      [10, 'email', 'A@X.IO', 'duplicate_in_file'],
    ]);
    expect(errors[0]!.message).toBe(
      'The value of email already occurs in row 3; email is unique within the file',
    );
    expect(errors[1]!.message).toContain('row 2');
    // Served: the job's values are gone with its completion.
    const left = await db
      .selectFrom('job_unique_values')
      .select('seq')
      .where('job_id', '=', id)
      .execute();
    expect(left).toEqual([]);
    expect(await getJob(db, TEST_TENANT, id)).toMatchObject({
      errorsTotal: 3,
      errorsStored: 3,
      rowsAccepted: 3 * ROWS,
    });
  });

  it("keeps a chunk's latest values only when it is stored again", async () => {
    const id = await storeAcceptedJob(db, {
      chunks: 1,
      recordsPerChunk: ROWS,
      columns: [{ name: 'email', type: 'email', required: false }],
    });
    await inTransaction(db, async (trx) => {
      await storeChunkUniqueValues(
        trx,
        id,
        0,
        uniqueOf([
          [2, 'a@x.io'],
          [3, 'a@x.io'],
        ]),
      );
      // Processed again (a reset to pending): its earlier values go.
      await storeChunkUniqueValues(
        trx,
        id,
        0,
        uniqueOf([
          [2, 'a@x.io'],
          [3, 'b@x.io'],
        ]),
      );
    });
    const rows = await db
      .selectFrom('job_unique_values')
      .select(['record_number'])
      .where('job_id', '=', id)
      .orderBy('record_number')
      .execute();
    expect(rows.map((r) => r.record_number)).toEqual([2, 3]);
    await commit(
      id,
      0,
      uniqueOf([
        [2, 'a@x.io'],
        [3, 'b@x.io'],
      ]),
    );
    expect(await inTransaction(db, (trx) => finalizeJob(trx, id))).toBe('completed');
    expect(await storedErrors(id)).toEqual([]);
  });
});
