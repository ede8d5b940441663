import { randomUUID } from 'node:crypto';
import { JOB_FAILURE_CODES, STORED_JOB_STATUSES } from '@sluice/contract';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { claimChunk, commitChunkResult, loadChunkWork } from './chunks.ts';
import { createDatabase } from './connection.ts';
import { finalizeJob, markJobFailed } from './job-completion.ts';
import { cancelJob, removeJob, retryJob } from './job-control.ts';
import { getJob, readJobErrors, readJobOutput } from './job-views.ts';
import { migrateToLatest, pendingMigrations } from './migrate.ts';
import { findUnfinishedJobs, tryReconcilerLock } from './reconcile.ts';
import { STORED_OPTIONS, storeAcceptedJob, TEST_TENANT, UNLIMITED_ERRORS } from './test-helpers.ts';
import { inTransaction } from './transaction.ts';
import { insertJob } from './uploads.ts';

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

const result = (jobId: string, seq: number, errors = 0, attempt = 0) => ({
  jobId,
  seq,
  attempt,
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

  it("let jobs.status hold exactly the contract's statuses", async () => {
    const { rows } = await sql<{ def: string }>`
      select pg_get_constraintdef(oid) as def from pg_constraint
      where conrelid = 'jobs'::regclass and conname = 'jobs_status_check'`.execute(db);
    expect(rows).toHaveLength(1);
    const allowed = [...(rows[0]?.def ?? '').matchAll(/'([a-z]+)'/g)].map((m) => m[1]);
    expect(allowed.sort()).toEqual([...STORED_JOB_STATUSES].sort());
  });

  it("let jobs.error_code hold exactly the contract's failure codes", async () => {
    const { rows } = await sql<{ def: string }>`
      select pg_get_constraintdef(oid) as def from pg_constraint
      where conrelid = 'jobs'::regclass and conname = 'jobs_error_code_check'`.execute(db);
    expect(rows).toHaveLength(1);
    const allowed = [...(rows[0]?.def ?? '').matchAll(/'([a-z_]+)'/g)].map((m) => m[1]);
    expect(allowed.sort()).toEqual([...JOB_FAILURE_CODES].sort());
  });
});

describe('the stored-job contract', () => {
  it('refuses options that do not fit it before anything is written', async () => {
    const id = randomUUID();
    const write = inTransaction(db, (trx) =>
      insertJob(trx, {
        tenantId: TEST_TENANT,
        id,
        type: 'normalize',
        fileName: null,
        header: Buffer.from('a'),
        columns: [{ name: 'a', type: 'text', required: false }],
        // A delimiter the splitter does not know: a writer's bug.
        options: {
          ...STORED_OPTIONS,
          dialect: { ...STORED_OPTIONS.dialect, delimiter: '#' as ',' },
        },
      }),
    );
    await expect(write).rejects.toThrow(/delimiter/);
    expect(await getJob(db, TEST_TENANT, id)).toBeUndefined();
  });

  it('fails a read of a job whose stored columns do not fit it, naming the column', async () => {
    const id = await newJob(1);
    await sql`update jobs set columns = '[{"name":"a","type":"telepathy","required":false}]'
      where id = ${id}`.execute(db);
    await expect(getJob(db, TEST_TENANT, id)).rejects.toThrow(
      /jobs\.columns does not hold what the contract says/,
    );
    await expect(loadChunkWork(db, id, 0)).rejects.toThrow(/jobs\.columns/);
  });
});

describe('chunk work', () => {
  it('is read with the chunk bytes exactly as stored (every byte value), and the job plan', async () => {
    const id = await newJob(1);
    // Every byte value, invalid UTF-8 included, over the size of a chunk.
    const data = Buffer.alloc(1024 ** 2 + 3, 0);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 256;
    await sql`update job_chunks set data = ${data} where job_id = ${id} and seq = 0`.execute(db);
    const work = await loadChunkWork(db, id, 0);
    expect(work).toMatchObject({
      status: 'pending',
      firstRecord: 2,
      recordCount: 10,
      columns: [{ name: 'a', type: 'email', required: true }],
      jobType: 'normalize',
      jobStatus: 'queued',
    });
    expect(Buffer.isBuffer(work!.data)).toBe(true);
    expect(work!.data.equals(data)).toBe(true);
    expect(work!.options.phoneRegion).toBeTypeOf('string');
    expect(await loadChunkWork(db, id, 1)).toBeUndefined();
  });
});

describe('chunk results', () => {
  it('are applied exactly once, even when committed twice or concurrently', async () => {
    const id = await newJob(2);
    const attempt = await claimChunk(db, id, 0, 'w');
    expect(attempt).toBe(1);
    const commit = () =>
      inTransaction(db, (trx) =>
        commitChunkResult(trx, result(id, 0, 2, attempt), UNLIMITED_ERRORS),
      );
    const outcomes = await Promise.all([1, 2, 3].map(commit));
    expect(outcomes.sort()).toEqual(['already-done', 'already-done', 'applied']);
    expect(await commit()).toBe('already-done');
    expect(await claimChunk(db, id, 0, 'w')).toBeUndefined();
    const pages = [];
    for await (const page of readJobErrors(db, id)) pages.push(...page);
    expect(pages.map((e) => e.recordNumber)).toEqual([2, 3]);
    const job = await getJob(db, TEST_TENANT, id);
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
    await inTransaction(db, (trx) => commitChunkResult(trx, result(id, 2), UNLIMITED_ERRORS));
    await inTransaction(db, (trx) => commitChunkResult(trx, result(id, 0), UNLIMITED_ERRORS));
    expect(await inTransaction(db, (trx) => finalizeJob(trx, id))).toBe('chunks-pending');
    await inTransaction(db, (trx) => commitChunkResult(trx, result(id, 1, 1), UNLIMITED_ERRORS));
    expect(await inTransaction(db, (trx) => finalizeJob(trx, id))).toBe('completed');
    expect(await inTransaction(db, (trx) => finalizeJob(trx, id))).toBe('already-final');
    const job = await getJob(db, TEST_TENANT, id);
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
    await inTransaction(db, (trx) => commitChunkResult(trx, many, UNLIMITED_ERRORS));
    const seen: number[] = [];
    for await (const page of readJobErrors(db, id, 5000))
      seen.push(...page.map((e) => e.recordNumber));
    expect(seen).toHaveLength(12_001);
    expect(seen.every((n, i) => n === i + 2)).toBe(true);
  });

  it('stores row errors whose text holds NUL bytes (shown as U+2400), and the chunk commits', async () => {
    const id = await newJob(1);
    const withNul = {
      ...result(id, 0),
      errors: [
        {
          recordNumber: 2,
          column: 'e\0mail',
          raw: 'a\0b@\0',
          code: 'invalid_email',
          message: "Not a valid e-mail address: 'a\0b@'",
        },
      ],
    };
    expect(
      await inTransaction(db, (trx) => commitChunkResult(trx, withNul, UNLIMITED_ERRORS)),
    ).toBe('applied');
    const stored = [];
    for await (const page of readJobErrors(db, id)) stored.push(...page);
    expect(stored).toEqual([
      {
        recordNumber: 2,
        column: 'e\u2400mail',
        raw: 'a\u2400b@\u2400',
        code: 'invalid_email',
        message: "Not a valid e-mail address: 'a\u2400b@'",
      },
    ]);
  });
});

describe('attempt fencing', () => {
  const chunkRow = (id: string) =>
    db
      .selectFrom('job_chunks')
      .select(['status', 'attempt', 'claimed_by', 'output', 'processed_by'])
      .where('job_id', '=', id)
      .where('seq', '=', 0)
      .executeTakeFirstOrThrow();

  it('a later claim supersedes an earlier one: only the latest attempt commits', async () => {
    const id = await newJob(1);
    expect(await claimChunk(db, id, 0, 'worker-a')).toBe(1);
    expect(await claimChunk(db, id, 0, 'worker-b')).toBe(2);
    expect(await chunkRow(id)).toMatchObject({ attempt: 2, claimed_by: 'worker-b' });

    // Worker A lost its lock and finishes late: its commit writes nothing.
    const stale = { ...result(id, 0, 3, 1), processedBy: 'worker-a' };
    expect(await inTransaction(db, (trx) => commitChunkResult(trx, stale, UNLIMITED_ERRORS))).toBe(
      'superseded',
    );
    expect(await chunkRow(id)).toMatchObject({ status: 'pending', output: null });
    const errorsAfterStale = [];
    for await (const page of readJobErrors(db, id)) errorsAfterStale.push(...page);
    expect(errorsAfterStale).toEqual([]);

    // Worker B holds the latest claim and commits.
    const fresh = { ...result(id, 0, 1, 2), processedBy: 'worker-b' };
    expect(await inTransaction(db, (trx) => commitChunkResult(trx, fresh, UNLIMITED_ERRORS))).toBe(
      'applied',
    );
    expect(await chunkRow(id)).toMatchObject({ status: 'done', processed_by: 'worker-b' });
    // A stale commit after B's is still refused, and a never-claimed one too.
    expect(await inTransaction(db, (trx) => commitChunkResult(trx, stale, UNLIMITED_ERRORS))).toBe(
      'already-done',
    );
    const errors = [];
    for await (const page of readJobErrors(db, id)) errors.push(...page);
    expect(errors.map((e) => e.recordNumber)).toEqual([2]);
    expect(
      await inTransaction(db, (trx) =>
        commitChunkResult(trx, result(randomUUID(), 0), UNLIMITED_ERRORS),
      ),
    ).toBe('missing');
  });
});

describe('reconciler queries', () => {
  it('list unfinished jobs past the grace period with their pending chunks', async () => {
    const id = await newJob(3);
    const attempt = await claimChunk(db, id, 1, 'w');
    await inTransaction(db, (trx) =>
      commitChunkResult(trx, result(id, 1, 0, attempt), UNLIMITED_ERRORS),
    );
    const recent = await findUnfinishedJobs(db, { olderThanMs: 60_000, limit: 1000 });
    expect(recent.map((j) => j.id)).not.toContain(id);
    // Chunk 2 claimed twice without finishing (say, its workers were killed).
    await claimChunk(db, id, 2, 'w');
    await claimChunk(db, id, 2, 'w');
    const all = await findUnfinishedJobs(db, { olderThanMs: 0, limit: 1000 });
    expect(all.find((j) => j.id === id)).toEqual({
      id,
      chunksTotal: 3,
      pendingSeqs: [0, 2],
      maxPendingAttempt: 2,
    });
    await inTransaction(db, async (trx) => {
      for (const seq of [0, 2]) {
        const a = await claimChunk(trx, id, seq, 'w');
        await commitChunkResult(trx, result(id, seq, 0, a), UNLIMITED_ERRORS);
      }
      await finalizeJob(trx, id);
    });
    const after = await findUnfinishedJobs(db, { olderThanMs: 0, limit: 1000 });
    expect(after.map((j) => j.id)).not.toContain(id);
  });

  it('let only one reconciler pass hold the lock at a time', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let signalLocked!: (v: boolean) => void;
    const firstLocked = new Promise<boolean>((resolve) => {
      signalLocked = resolve;
    });
    const first = inTransaction(db, async (trx) => {
      signalLocked(await tryReconcilerLock(trx));
      await held;
    });
    expect(await firstLocked).toBe(true);
    expect(await inTransaction(db, (trx) => tryReconcilerLock(trx))).toBe(false);
    release();
    await first;
    expect(await inTransaction(db, (trx) => tryReconcilerLock(trx))).toBe(true);
  });
});

describe('client control', () => {
  const acceptanceSeq = async (id: string) =>
    (
      await db
        .selectFrom('jobs')
        .select('acceptance_seq')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).acceptance_seq;

  it('cancel stops a queued job once; a finished or unknown one is left alone', async () => {
    const id = await newJob(2);
    const first = await cancelJob(db, TEST_TENANT, id);
    expect(first).toMatchObject({ outcome: 'cancelled', job: { id, status: 'cancelled' } });
    expect(await cancelJob(db, TEST_TENANT, id)).toEqual({ outcome: 'final', status: 'cancelled' });
    expect(await cancelJob(db, TEST_TENANT, randomUUID())).toEqual({ outcome: 'missing' });
    // Workers then find it final: finalize does nothing.
    expect(await inTransaction(db, (trx) => finalizeJob(trx, id))).toBe('already-final');
  });

  it('retry requeues a failed job: done chunks kept, claims counted afresh, fencing intact', async () => {
    const id = await newJob(3);
    const done = await claimChunk(db, id, 0, 'w');
    await inTransaction(db, (trx) =>
      commitChunkResult(trx, result(id, 0, 0, done), UNLIMITED_ERRORS),
    );
    for (let i = 0; i < 3; i++) await claimChunk(db, id, 1, 'w');
    const stale = await claimChunk(db, id, 2, 'w');
    expect(await markJobFailed(db, id, { code: 'chunk_failed', reason: 'chunk 1 failed' })).toBe(
      'normalize',
    );
    const seqBefore = await acceptanceSeq(id);

    const retried = await inTransaction(db, (trx) => retryJob(trx, TEST_TENANT, id));
    expect(retried).toMatchObject({
      outcome: 'retried',
      pendingSeqs: [1, 2],
      job: { status: 'queued', error: null, errorCode: null, finishedAt: null, chunksDone: 1 },
    });
    expect(Number(await acceptanceSeq(id))).toBeGreaterThan(Number(seqBefore));
    const unfinished = await findUnfinishedJobs(db, { olderThanMs: 0, limit: 1000 });
    expect(unfinished.find((j) => j.id === id)).toMatchObject({ maxPendingAttempt: 0 });
    // A claim after the retry still supersedes one from before it.
    const fresh = await claimChunk(db, id, 2, 'w');
    expect(fresh).toBe(stale! + 1);
    expect(
      await inTransaction(db, (trx) =>
        commitChunkResult(trx, result(id, 2, 0, stale), UNLIMITED_ERRORS),
      ),
    ).toBe('superseded');
    expect(await inTransaction(db, (trx) => retryJob(trx, TEST_TENANT, id))).toEqual({
      outcome: 'not-retryable',
      status: 'queued',
    });
    expect(await inTransaction(db, (trx) => retryJob(trx, TEST_TENANT, randomUUID()))).toEqual({
      outcome: 'missing',
    });
  });

  it('remove deletes an accepted job with its chunks and errors, not a receiving one', async () => {
    const id = await newJob(1);
    const attempt = await claimChunk(db, id, 0, 'w');
    await inTransaction(db, (trx) =>
      commitChunkResult(trx, result(id, 0, 2, attempt), UNLIMITED_ERRORS),
    );
    expect(await removeJob(db, TEST_TENANT, id)).toBe(true);
    expect(await removeJob(db, TEST_TENANT, id)).toBe(false);
    const left = await sql<{ n: number }>`
      select (select count(*) from job_chunks where job_id = ${id})
           + (select count(*) from job_row_errors where job_id = ${id}) as n`.execute(db);
    expect(Number(left.rows[0]!.n)).toBe(0);

    const receiving = randomUUID();
    await inTransaction(db, (trx) =>
      insertJob(trx, {
        tenantId: TEST_TENANT,
        id: receiving,
        type: 'normalize',
        fileName: null,
        header: Buffer.from('a'),
        columns: [{ name: 'a', type: 'text', required: false }],
        options: STORED_OPTIONS,
      }),
    );
    expect(await removeJob(db, TEST_TENANT, receiving)).toBe(false);
  });
});
