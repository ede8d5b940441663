import type { RowError } from '@sluice/contract';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { claimChunk, commitChunkResult } from './chunks.ts';
import { createDatabase } from './connection.ts';
import type { ErrorLimits } from './error-limits.ts';
import { finalizeJob } from './job-completion.ts';
import { getJob, readJobErrors } from './job-views.ts';
import { migrateToLatest } from './migrate.ts';
import { storeAcceptedJob, TEST_TENANT } from './test-helpers.ts';
import { inTransaction } from './transaction.ts';

// Enough connections for many chunk commits of one job at once.
const handle = createDatabase({ url: inject('databaseUrl'), poolSize: 12 });
const { db } = handle;

beforeAll(() => migrateToLatest(db));
afterAll(() => handle.close());

const ROWS_PER_CHUNK = 20;

const newJob = (chunks: number) =>
  storeAcceptedJob(db, {
    chunks,
    recordsPerChunk: ROWS_PER_CHUNK,
    columns: [{ name: 'age', type: 'integer', required: false }],
  });

/** Chunk `seq`'s result: its first `rejected` rows rejected, one error each. */
const result = (jobId: string, seq: number, rejected: number, attempt: number) => ({
  jobId,
  seq,
  attempt,
  output: Buffer.from(`out ${seq}\n`),
  rowsAccepted: ROWS_PER_CHUNK - rejected,
  rowsRejected: rejected,
  rowsBlank: 0,
  errors: Array.from(
    { length: rejected },
    (_, i): RowError => ({
      recordNumber: 2 + seq * ROWS_PER_CHUNK + i,
      column: 'age',
      raw: `x${i}`,
      code: i % 3 === 0 ? 'invalid_integer' : 'out_of_range',
      message: 'not an integer',
    }),
  ),
  processedBy: 'test',
});

async function commit(
  jobId: string,
  seq: number,
  rejected: number,
  limits: ErrorLimits,
  attempt?: number,
) {
  const claimed = attempt ?? (await claimChunk(db, jobId, seq, 'test'))!;
  return inTransaction(db, (trx) =>
    commitChunkResult(trx, result(jobId, seq, rejected, claimed), limits),
  );
}

async function storedErrors(jobId: string): Promise<RowError[]> {
  const all: RowError[] = [];
  for await (const page of readJobErrors(db, jobId)) all.push(...page);
  return all;
}

const storedCount = async (jobId: string) =>
  (
    await db
      .selectFrom('jobs')
      .select('error_rows_stored')
      .where('id', '=', jobId)
      .executeTakeFirstOrThrow()
  ).error_rows_stored;

const noFailFast = { minRows: 1, maxRate: 1 };

describe('the per-job cap on stored error rows', () => {
  it('is exact under many concurrent chunk commits; counts stay exact', async () => {
    const chunks = 40;
    const cap = 137;
    const id = await newJob(chunks);
    const limits = { maxStoredPerJob: cap, failFast: noFailFast };
    // Every chunk but the last has errors; all commit at once.
    const outcomes = await Promise.all(
      Array.from({ length: chunks }, (_, seq) =>
        commit(id, seq, seq === chunks - 1 ? 0 : 10, limits),
      ),
    );
    expect(outcomes.every((o) => o === 'applied')).toBe(true);
    const stored = await storedErrors(id);
    expect(stored).toHaveLength(cap);
    expect(await storedCount(id)).toBe(cap);
    // Each chunk stored its earliest errors: a prefix of its rows.
    const bySeq = new Map<number, number[]>();
    for (const e of stored) {
      const seq = Math.floor((e.recordNumber - 2) / ROWS_PER_CHUNK);
      bySeq.set(seq, [...(bySeq.get(seq) ?? []), e.recordNumber - 2 - seq * ROWS_PER_CHUNK]);
    }
    for (const offsets of bySeq.values()) {
      expect(offsets).toEqual(offsets.map((_, i) => i));
    }
    expect(await inTransaction(db, (trx) => finalizeJob(trx, id))).toBe('completed');
    expect(await getJob(db, TEST_TENANT, id)).toMatchObject({
      status: 'completed',
      errorsTotal: (chunks - 1) * 10,
      errorsStored: cap,
      rowsRejected: (chunks - 1) * 10,
      rowsAccepted: chunks * ROWS_PER_CHUNK - (chunks - 1) * 10,
    });
  });

  it('leaks no budget to rolled-back, retried, repeated or superseded commits', async () => {
    const id = await newJob(3);
    const limits = { maxStoredPerJob: 15, failFast: noFailFast };

    // A commit whose transaction fails after the chunk's writes: rolled back.
    const first = (await claimChunk(db, id, 0, 'test'))!;
    await expect(
      db.transaction().execute(async (trx) => {
        expect(await commitChunkResult(trx, result(id, 0, 10, first), limits)).toBe('applied');
        throw new Error('connection lost before commit');
      }),
    ).rejects.toThrow('connection lost');
    expect(await storedCount(id)).toBe(0);

    // A transient failure after the writes: inTransaction retries the whole transaction.
    let tries = 0;
    const outcome = await inTransaction(
      db,
      async (trx) => {
        const o = await commitChunkResult(trx, result(id, 0, 10, first), limits);
        tries += 1;
        if (tries === 1) throw Object.assign(new Error('serialization failure'), { code: '40001' });
        return o;
      },
      { maxAttempts: 3, baseDelayMs: 1 },
    );
    expect(outcome).toBe('applied');
    expect(tries).toBe(2);
    expect(await storedCount(id)).toBe(10);

    // The same result again (BullMQ redelivery): already done, takes nothing.
    expect(await commit(id, 0, 10, limits, first)).toBe('already-done');
    // A stale attempt of chunk 1 (claimed again since): superseded, takes nothing.
    const stale = (await claimChunk(db, id, 1, 'a'))!;
    const fresh = (await claimChunk(db, id, 1, 'b'))!;
    expect(await commit(id, 1, 10, limits, stale)).toBe('superseded');
    expect(await storedCount(id)).toBe(10);
    expect(await commit(id, 1, 10, limits, fresh)).toBe('applied');
    expect(await commit(id, 2, 10, limits)).toBe('applied');

    expect(await storedCount(id)).toBe(15);
    const stored = await storedErrors(id);
    expect(stored).toHaveLength(15);
    expect(stored.map((e) => e.recordNumber)).toEqual([
      ...Array.from({ length: 10 }, (_, i) => 2 + i),
      ...Array.from({ length: 5 }, (_, i) => 2 + ROWS_PER_CHUNK + i),
    ]);
    const job = await getJob(db, TEST_TENANT, id);
    expect(job).toMatchObject({ errorsTotal: 30, errorsStored: 15 });
  });

  it('leaves the job row alone for a chunk without errors', async () => {
    const id = await newJob(2);
    const limits = { maxStoredPerJob: 5, failFast: noFailFast };
    // Another transaction holds the job row: an error-free commit does not wait for it.
    await db.transaction().execute(async (holder) => {
      await holder.selectFrom('jobs').select('id').where('id', '=', id).forUpdate().execute();
      const claimed = (await claimChunk(db, id, 0, 'test'))!;
      const outcome = await inTransaction(
        db,
        (trx) => commitChunkResult(trx, result(id, 0, 0, claimed), limits),
        { statementTimeoutMs: 2_000, maxAttempts: 1 },
      );
      expect(outcome).toBe('applied');
    });
  });
});

describe('the first chunk error-rate rule', () => {
  const failFast = { minRows: 10, maxRate: 0.5 };
  const limits = { maxStoredPerJob: 1000, failFast };

  it('fails the job in the chunk commit when the first chunk rejects too many rows', async () => {
    const id = await newJob(3);
    expect(await commit(id, 1, 5, limits)).toBe('applied');
    expect(await commit(id, 0, 11, limits)).toBe('failed-job');
    const job = await getJob(db, TEST_TENANT, id);
    expect(job).toMatchObject({ status: 'failed', errorCode: 'error_rate_exceeded' });
    expect(job?.error).toBe(
      'Stopped early: 11 of the first 20 rows (55%) were rejected, more than the 50% allowed. ' +
        'Most common errors: out_of_range in "age" (7), invalid_integer in "age" (4). ' +
        'Check that this is the right file, and that the column types and names (the columns ' +
        'option) fit it. Its errors so far are in errors.csv; no rows were kept or imported.',
    );
    expect(job?.finishedAt).toBeInstanceOf(Date);
    // The first chunk's errors explain the failure; a chunk still in flight adds none.
    expect(await commit(id, 2, 20, limits)).toBe('applied');
    expect(job?.errorsStored).toBe(16);
    expect(await storedCount(id)).toBe(16);
    expect(await inTransaction(db, (trx) => finalizeJob(trx, id))).toBe('already-final');
  });

  it('leaves jobs alone at the rate, below the minimum rows, or for later chunks', async () => {
    const atRate = await newJob(1);
    expect(await commit(atRate, 0, 10, limits)).toBe('applied');
    const fewRows = await newJob(1);
    expect(
      await commit(fewRows, 0, 9, { ...limits, failFast: { minRows: 21, maxRate: 0.1 } }),
    ).toBe('applied');
    const later = await newJob(2);
    expect(await commit(later, 1, 20, limits)).toBe('applied');
    const disabled = await newJob(1);
    expect(await commit(disabled, 0, 20, { ...limits, failFast: { minRows: 1, maxRate: 1 } })).toBe(
      'applied',
    );
    for (const id of [atRate, fewRows, later, disabled]) {
      expect(await getJob(db, TEST_TENANT, id)).toMatchObject({
        status: 'queued',
        errorCode: null,
      });
    }
  });
});
