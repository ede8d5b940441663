import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase } from './connection.ts';
import {
  commitChunkResult,
  finalizeJob,
  finishUpload,
  getJob,
  insertChunk,
  insertJob,
  readJobErrors,
  readJobOutput,
} from './jobs.ts';
import { migrateToLatest, pendingMigrations } from './migrate.ts';
import { inTransaction } from './transaction.ts';

const handle = createDatabase({ url: inject('databaseUrl'), poolSize: 4 });
const { db } = handle;

beforeAll(async () => {
  await migrateToLatest(db);
});
afterAll(() => handle.close());

async function newJob(chunks: number): Promise<string> {
  const id = randomUUID();
  await inTransaction(db, async (trx) => {
    await insertJob(trx, {
      id,
      type: 'normalize',
      fileName: 'x.csv',
      header: Buffer.from('a,b'),
      columns: [{ name: 'a', type: 'text', required: false }],
      options: { phoneRegion: 'US' },
    });
    for (let seq = 0; seq < chunks; seq++) {
      await insertChunk(trx, id, {
        seq,
        firstRecord: 2 + seq * 10,
        recordCount: 10,
        data: Buffer.from(`chunk ${seq}`),
      });
    }
    await finishUpload(trx, id, {
      bytes: 100,
      chunks,
      rows: chunks * 10,
      columns: [{ name: 'a', type: 'email', required: true }],
    });
  });
  return id;
}

const result = (jobId: string, seq: number, errors = 0) => ({
  jobId,
  seq,
  output: Buffer.from(`out ${seq}\n`),
  rowsAccepted: 10 - errors,
  rowsRejected: errors,
  rowsBlank: 0,
  errors: Array.from({ length: errors }, (_, i) => ({
    recordNumber: 2 + seq * 10 + i,
    column: 'a',
    raw: `bad ${i}`,
    code: 'invalid_email',
    message: 'nope',
  })),
  processedBy: 'test',
});

describe('migrations', () => {
  it('leave nothing pending and are idempotent', async () => {
    expect(await pendingMigrations(db)).toEqual([]);
    expect(await migrateToLatest(db)).toEqual([]);
  });
});

describe('chunk results', () => {
  it('are applied exactly once, even when committed twice or concurrently', async () => {
    const id = await newJob(2);
    const attempts = await Promise.all(
      [1, 2, 3].map(() => inTransaction(db, (trx) => commitChunkResult(trx, result(id, 0, 2)))),
    );
    expect(attempts.filter(Boolean)).toHaveLength(1);
    expect(await inTransaction(db, (trx) => commitChunkResult(trx, result(id, 0, 2)))).toBe(false);
    const pages = [];
    for await (const page of readJobErrors(db, id)) pages.push(...page);
    expect(pages.map((e) => e.recordNumber)).toEqual([2, 3]);
    const job = await getJob(db, id);
    expect(job).toMatchObject({
      chunksDone: 1,
      chunksTotal: 2,
      rowsAccepted: 8,
      rowsRejected: 2,
      errorsTotal: 2,
      status: 'queued',
    });
  });

  it('finalize completes a job only when all chunks are done, once', async () => {
    const id = await newJob(3);
    await inTransaction(db, (trx) => commitChunkResult(trx, result(id, 2)));
    await inTransaction(db, (trx) => commitChunkResult(trx, result(id, 0)));
    expect(await inTransaction(db, (trx) => finalizeJob(trx, id))).toBe('chunks-pending');
    await inTransaction(db, (trx) => commitChunkResult(trx, result(id, 1, 1)));
    expect(await inTransaction(db, (trx) => finalizeJob(trx, id))).toBe('completed');
    expect(await inTransaction(db, (trx) => finalizeJob(trx, id))).toBe('already-final');
    const job = await getJob(db, id);
    expect(job).toMatchObject({
      status: 'completed',
      rowsAccepted: 29,
      rowsRejected: 1,
      errorsTotal: 1,
    });
    expect(job?.finishedAt).toBeInstanceOf(Date);
    const out: string[] = [];
    for await (const piece of readJobOutput(db, id)) out.push(piece.toString());
    expect(out.join('')).toBe('out 0\nout 1\nout 2\n');
    expect(await inTransaction(db, (trx) => finalizeJob(trx, randomUUID()))).toBe('missing');
  });

  it('pages through many errors in file order', async () => {
    const id = await newJob(1);
    const many = {
      ...result(id, 0),
      errors: Array.from({ length: 12_001 }, (_, i) => ({
        recordNumber: i + 2,
        column: null,
        raw: null,
        code: 'x',
        message: 'm',
      })),
    };
    await inTransaction(db, (trx) => commitChunkResult(trx, many));
    const seen: number[] = [];
    for await (const page of readJobErrors(db, id, 5000))
      seen.push(...page.map((e) => e.recordNumber));
    expect(seen).toHaveLength(12_001);
    expect(seen.every((n, i) => n === i + 2)).toBe(true);
  });
});
