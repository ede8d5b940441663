import type { RowError } from '@sluice/contract';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { claimChunk, commitChunkResult } from './chunks.ts';
import { createDatabase } from './connection.ts';
import { countJobErrors, listJobErrors } from './job-errors.ts';
import { readJobErrors } from './job-views.ts';
import { migrateToLatest } from './migrate.ts';
import { storeAcceptedJob } from './test-helpers.ts';
import { inTransaction } from './transaction.ts';

const handle = createDatabase({ url: inject('databaseUrl'), poolSize: 4 });
const { db } = handle;

beforeAll(() => migrateToLatest(db));
afterAll(() => handle.close());

const ROWS = 10;
const noFailFast = { minRows: 1, maxRate: 1 };

/**
 * Chunk `seq`'s errors: per record, an invalid email, every other record an
 * invalid integer in age, every third a row-level error.
 */
function errorsOf(seq: number): RowError[] {
  const errors: RowError[] = [];
  for (let i = 0; i < ROWS; i++) {
    const recordNumber = 2 + seq * ROWS + i;
    if (i % 3 === 0) {
      errors.push({ recordNumber, column: null, raw: null, code: 'too_many_fields', message: 'r' });
      continue;
    }
    errors.push({
      recordNumber,
      column: 'email',
      raw: `e${i}`,
      code: 'invalid_email',
      message: 'e',
    });
    if (i % 2 === 0) {
      errors.push({
        recordNumber,
        column: 'age',
        raw: `a${i}`,
        code: 'invalid_integer',
        message: 'a',
      });
    }
  }
  return errors;
}

async function commit(jobId: string, seq: number, cap: number) {
  const attempt = (await claimChunk(db, jobId, seq, 'test'))!;
  const errors = errorsOf(seq);
  return inTransaction(db, (trx) =>
    commitChunkResult(
      trx,
      {
        jobId,
        seq,
        attempt,
        output: Buffer.from('out\n'),
        rowsAccepted: ROWS,
        rowsRejected: 0,
        rowsBlank: 0,
        errors,
        processedBy: 'test',
      },
      { maxStoredPerJob: cap, failFast: noFailFast },
    ),
  );
}

const newJob = (chunks: number) =>
  storeAcceptedJob(db, {
    chunks,
    recordsPerChunk: ROWS,
    columns: [
      { name: 'email', type: 'email', required: false },
      { name: 'age', type: 'integer', required: false },
    ],
  });

/** Expected counts over chunks 0..n-1, computed from the errors themselves. */
function expectedCounts(chunks: number) {
  const counts = new Map<string, number>();
  for (let seq = 0; seq < chunks; seq++) {
    for (const e of errorsOf(seq)) {
      const key = `${e.column}/${e.code}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}
const asMap = (counts: { column: string | null; code: string; errors: number }[]) =>
  new Map(counts.map((c) => [`${c.column}/${c.code}`, c.errors]));

describe('countJobErrors', () => {
  it('counts every error by column and code although the stored rows are capped', async () => {
    const id = await newJob(4);
    for (let seq = 0; seq < 4; seq++) expect(await commit(id, seq, 7)).toBe('applied');
    const total = [0, 1, 2, 3].reduce((n, seq) => n + errorsOf(seq).length, 0);
    const counted = await countJobErrors(db, id);
    expect(counted).toMatchObject({ errors: total, stored: 7, exact: true });
    expect(asMap(counted.counts)).toEqual(expectedCounts(4));
    expect(counted.counts.reduce((n, c) => n + c.errors, 0)).toBe(total);
  });

  it('counts a chunk committed twice once (the second commit is fenced off)', async () => {
    const id = await newJob(1);
    const attempt = (await claimChunk(db, id, 0, 'test'))!;
    const result = {
      jobId: id,
      seq: 0,
      attempt,
      output: Buffer.from('out\n'),
      rowsAccepted: ROWS,
      rowsRejected: 0,
      rowsBlank: 0,
      errors: errorsOf(0),
      processedBy: 'test',
    };
    // Fewer stored than it has: the counts can only come from the chunk's own tally.
    const limits = { maxStoredPerJob: 3, failFast: noFailFast };
    expect(await inTransaction(db, (trx) => commitChunkResult(trx, result, limits))).toBe(
      'applied',
    );
    expect(await inTransaction(db, (trx) => commitChunkResult(trx, result, limits))).toBe(
      'already-done',
    );
    const counted = await countJobErrors(db, id);
    expect(counted).toMatchObject({ errors: errorsOf(0).length, stored: 3, exact: true });
    expect(asMap(counted.counts)).toEqual(expectedCounts(1));
  });

  it('counts chunks done before error_counts existed by their stored rows, and says when that is short', async () => {
    const id = await newJob(3);
    // Chunk 0 stores all of its errors, chunk 1 some (the cap), chunk 2 none.
    const cap = errorsOf(0).length + 3;
    for (let seq = 0; seq < 3; seq++) await commit(id, seq, cap);
    const forget = (seqs: number[]) =>
      db
        .updateTable('job_chunks')
        .set({ error_counts: sql`null` })
        .where('job_id', '=', id)
        .where('seq', 'in', seqs)
        .execute();

    // Only chunk 0 without counts: its stored rows are all of its errors, still exact.
    await forget([0]);
    const whole = await countJobErrors(db, id);
    expect(whole.exact).toBe(true);
    expect(asMap(whole.counts)).toEqual(expectedCounts(3));

    // Chunk 1 too: it stored 3 of its errors, so its counts are those 3.
    await forget([1]);
    const short = await countJobErrors(db, id);
    expect(short.exact).toBe(false);
    expect(short.errors).toBe(errorsOf(0).length + errorsOf(1).length + errorsOf(2).length);
    const sum = short.counts.reduce((n, c) => n + c.errors, 0);
    expect(sum).toBe(errorsOf(0).length + 3 + errorsOf(2).length);
  });

  it('is zero for a job without errors or without done chunks', async () => {
    const id = await newJob(2);
    expect(await countJobErrors(db, id)).toEqual({ errors: 0, stored: 0, counts: [], exact: true });
  });
});

describe('listJobErrors', () => {
  it('pages the stored errors in errors.csv order, filtered by column (null: whole row) and code', async () => {
    const id = await newJob(3);
    for (let seq = 2; seq >= 0; seq--) await commit(id, seq, 1000);
    const all: RowError[] = [];
    for await (const page of readJobErrors(db, id)) all.push(...page);

    const everything = await listJobErrors(db, id, {}, { limit: 1000, offset: 0 });
    expect(everything).toEqual({ items: all, total: all.length });
    const page = await listJobErrors(db, id, {}, { limit: 5, offset: 7 });
    expect(page).toEqual({ items: all.slice(7, 12), total: all.length });

    const age = await listJobErrors(db, id, { column: 'age' }, { limit: 1000, offset: 0 });
    expect(age.items).toEqual(all.filter((e) => e.column === 'age'));
    expect(age.total).toBeGreaterThan(0);
    const rowLevel = await listJobErrors(db, id, { column: null }, { limit: 1000, offset: 0 });
    expect(rowLevel.items).toEqual(all.filter((e) => e.column === null));
    expect(rowLevel.total).toBeGreaterThan(0);
    const code = await listJobErrors(
      db,
      id,
      { column: 'email', code: 'invalid_email' },
      { limit: 2, offset: 0 },
    );
    const emails = all.filter((e) => e.code === 'invalid_email');
    expect(code).toEqual({ items: emails.slice(0, 2), total: emails.length });
    expect(
      await listJobErrors(
        db,
        id,
        { column: 'age', code: 'invalid_email' },
        { limit: 9, offset: 0 },
      ),
    ).toEqual({ items: [], total: 0 });
  });
});
