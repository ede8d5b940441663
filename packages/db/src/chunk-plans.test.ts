import { randomUUID } from 'node:crypto';
import type { RowError, StoredJobColumn } from '@sluice/contract';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chunkPlan, resetChunksOffPlan } from './chunk-plans.ts';
import { claimChunk, commitChunkResult, judgeDoneFirstChunk, loadJobPlan } from './chunks.ts';
import { createDatabase } from './connection.ts';
import { retryJob } from './job-control.ts';
import { migrateToLatest } from './migrate.ts';
import { STORED_OPTIONS, storeAcceptedJob, TEST_TENANT, UNLIMITED_ERRORS } from './test-helpers.ts';
import { inTransaction } from './transaction.ts';
import {
  acceptJob,
  finishEarlyUpload,
  insertChunk,
  insertJob,
  setReceivingPlan,
} from './uploads.ts';

const handle = createDatabase({ url: inject('databaseUrl'), poolSize: 4 });
const { db } = handle;

beforeAll(() => migrateToLatest(db));
afterAll(() => handle.close());

const error = (recordNumber: number): RowError => ({
  recordNumber,
  column: 'dob',
  raw: '03/04/2020',
  code: 'ambiguous_date',
  message: 'ambiguous',
});

const commit = (jobId: string, seq: number, attempt: number, plan: string, errors = 0) =>
  inTransaction(db, (trx) =>
    commitChunkResult(
      trx,
      {
        jobId,
        seq,
        attempt,
        plan,
        output: Buffer.from(`out ${seq}\n`),
        rowsAccepted: 2 - errors,
        rowsRejected: errors,
        rowsBlank: 0,
        errors: Array.from({ length: errors }, (_, i) => error(2 + seq * 2 + i)),
        processedBy: 'test',
        // A `unique` column's value per chunk.
        unique: {
          columns: ['id'],
          values: [`v${seq}`],
          raws: [`v${seq}`],
          recordNumbers: [2 + seq * 2],
        },
      },
      UNLIMITED_ERRORS,
    ),
  );

describe('chunkPlan', () => {
  it('changes with the columns and options, not with how the file was read', () => {
    const columns = [
      { name: 'dob', type: 'date' as const, required: false, dateOrder: 'MDY' as const },
    ];
    const plan = chunkPlan(columns, STORED_OPTIONS);
    expect(chunkPlan([{ ...columns[0]!, dateOrder: 'DMY' }], STORED_OPTIONS)).not.toBe(plan);
    expect(chunkPlan(columns, { ...STORED_OPTIONS, phoneRegion: 'GB' })).not.toBe(plan);
    const dialect = { ...STORED_OPTIONS.dialect, encoding: 'windows-1252' as const };
    expect(chunkPlan(columns, { ...STORED_OPTIONS, dialect })).toBe(plan);
  });
});

describe('resetChunksOffPlan', () => {
  it('resets chunks done with another plan, gives their errors back, fences running attempts', async () => {
    const jobId = await storeAcceptedJob(db, {
      chunks: 3,
      recordsPerChunk: 2,
      columns: [{ name: 'dob', type: 'date', required: false }],
    });
    const a0 = (await claimChunk(db, jobId, 0, 'w'))!;
    expect(await commit(jobId, 0, a0, 'early', 2)).toBe('applied');
    const a1 = (await claimChunk(db, jobId, 1, 'w'))!;
    expect(await commit(jobId, 1, a1, 'final', 1)).toBe('applied');
    const a2 = (await claimChunk(db, jobId, 2, 'w'))!; // still running with an early plan

    expect(await inTransaction(db, (trx) => resetChunksOffPlan(trx, jobId, 'final'))).toEqual([0]);

    const chunks = await db
      .selectFrom('job_chunks')
      .select(['seq', 'status', 'output', 'errors_total', 'plan'])
      .where('job_id', '=', jobId)
      .orderBy('seq')
      .execute();
    expect(chunks.map((c) => [c.seq, c.status, c.output === null, c.errors_total, c.plan])).toEqual(
      [
        [0, 'pending', true, null, 'final'],
        [1, 'done', false, 1, 'final'],
        [2, 'pending', true, null, 'final'],
      ],
    );
    const errors = await db
      .selectFrom('job_row_errors')
      .select('chunk_seq')
      .where('job_id', '=', jobId)
      .execute();
    expect(errors.map((e) => e.chunk_seq)).toEqual([1]);
    const unique = await db
      .selectFrom('job_unique_values')
      .select('seq')
      .where('job_id', '=', jobId)
      .execute();
    expect(unique.map((u) => u.seq)).toEqual([1]);
    const job = await db
      .selectFrom('jobs')
      .select('error_rows_stored')
      .where('id', '=', jobId)
      .executeTakeFirstOrThrow();
    expect(job.error_rows_stored).toBe(1);
    // The attempt running with the early plan cannot commit; a new claim can.
    expect(await commit(jobId, 2, a2, 'early')).toBe('superseded');
    const again = (await claimChunk(db, jobId, 0, 'w'))!;
    expect(await commit(jobId, 0, again, 'final', 2)).toBe('applied');
    // Nothing left off the plan: a second reset changes nothing.
    const a2b = (await claimChunk(db, jobId, 2, 'w'))!;
    expect(await commit(jobId, 2, a2b, 'final')).toBe('applied');
    expect(await inTransaction(db, (trx) => resetChunksOffPlan(trx, jobId, 'final'))).toEqual([]);
  });
});

describe('chunkPlan, as written and as read back', () => {
  it('ignores what only reports how a column was decided, and key order', () => {
    const column = {
      name: 'dob',
      type: 'date' as const,
      required: false,
      dateOrder: 'DMY' as const,
    };
    const plan = chunkPlan([column], STORED_OPTIONS);
    const reported = {
      note: 'mixed evidence: 3 value(s) only valid day-first, 1 only month-first; using DMY',
      dateOrderSource: 'values' as const,
      confidence: 0.93,
      source: 'header' as const,
    };
    // jsonb gives keys back in its own order.
    const reordered = {
      dateOrder: 'DMY' as const,
      required: false,
      type: 'date' as const,
      name: 'dob',
    };
    expect(chunkPlan([{ ...reordered, ...reported }], STORED_OPTIONS)).toBe(plan);
    const semicolon = { ...STORED_OPTIONS.dialect, delimiter: ';' as const };
    expect(chunkPlan([column], { ...STORED_OPTIONS, dialect: semicolon })).not.toBe(plan);
    expect(chunkPlan([{ ...column, dropped: true }], STORED_OPTIONS)).not.toBe(plan);
  });
});

describe('processing while the upload arrives', () => {
  const undecided = [{ name: 'dob', type: 'date' as const, required: false }];
  const mdy = [{ ...undecided[0]!, dateOrder: 'MDY' as const }];
  const dmy = [{ ...undecided[0]!, dateOrder: 'DMY' as const }];

  /** A receiving job with `chunks` chunks of 2 records and its plan so far. */
  async function receivingJob(chunks: number, columns: StoredJobColumn[]) {
    const id = randomUUID();
    await insertJob(db, {
      tenantId: TEST_TENANT,
      id,
      type: 'normalize',
      fileName: 'early.csv',
      header: Buffer.from('dob'),
      columns: undecided,
      options: STORED_OPTIONS,
    });
    for (let seq = 0; seq < chunks; seq++) {
      const chunk = { seq, firstRecord: 2 + seq * 2, recordCount: 2, data: Buffer.from('x\ny\n') };
      expect(await insertChunk(db, id, chunk)).toBe(true);
    }
    expect(await setReceivingPlan(db, id, { columns, options: STORED_OPTIONS })).toBe(true);
    return id;
  }

  /** An early attempt: claimed, then read the job's plan (as a worker does), then commits. */
  async function claimEarly(jobId: string, seq: number) {
    const attempt = (await claimChunk(db, jobId, seq, 'w'))!;
    const read = (await loadJobPlan(db, jobId))!;
    return { attempt, plan: chunkPlan(read.columns, read.options) };
  }
  const commitEarly = (
    jobId: string,
    seq: number,
    { attempt, plan }: { attempt: number; plan: string },
    errors: number,
  ) =>
    inTransaction(db, (trx) =>
      commitChunkResult(
        trx,
        {
          jobId,
          seq,
          attempt,
          plan,
          early: true,
          output: Buffer.from(`out ${seq}\n`),
          rowsAccepted: 2 - errors,
          rowsRejected: errors,
          rowsBlank: 0,
          errors: Array.from({ length: errors }, (_, i) => error(2 + seq * 2 + i)),
          processedBy: 'test',
        },
        FAIL_FAST,
      ),
    );
  /** Any rejected row fails a job whose first chunk is judged. */
  const FAIL_FAST = { maxStoredPerJob: 100, failFast: { minRows: 1, maxRate: 0 } };
  const finish = (jobId: string, columns: StoredJobColumn[]) =>
    inTransaction(db, (trx) =>
      finishEarlyUpload(trx, jobId, {
        bytes: 18,
        chunks: 3,
        rows: 6,
        columns,
        options: STORED_OPTIONS,
      }),
    );
  const chunkStates = async (jobId: string) =>
    (
      await db
        .selectFrom('job_chunks')
        .select(['seq', 'status'])
        .where('job_id', '=', jobId)
        .orderBy('seq')
        .execute()
    ).map((c) => `${c.seq}:${c.status}`);

  it('keeps chunks done with the final plan, and judges the first one only once accepted', async () => {
    const jobId = await receivingJob(3, dmy);
    expect((await loadJobPlan(db, jobId))?.columns).toEqual(dmy);
    // Rejected rows, but the job is not accepted: nothing is judged yet.
    expect(await commitEarly(jobId, 0, await claimEarly(jobId, 0), 1)).toBe('applied');
    expect((await loadJobPlan(db, jobId))?.jobStatus).toBe('receiving');
    expect(await judgeDoneFirstChunk(db, jobId, FAIL_FAST)).toBe(false);
    const running = await claimEarly(jobId, 1); // read the plan that becomes final

    expect(await finish(jobId, dmy)).toBe(true);
    expect(await chunkStates(jobId)).toEqual(['0:done', '1:pending', '2:pending']);
    // Its plan is the final one: it commits.
    expect(await commitEarly(jobId, 1, running, 0)).toBe('applied');
    // Never claimed: left as it was (its first claim is attempt 1).
    expect(await claimChunk(db, jobId, 2, 'w')).toBe(1);
    expect((await acceptJob(db, jobId))?.status).toBe('queued');
    expect(await judgeDoneFirstChunk(db, jobId, FAIL_FAST)).toBe(true);
    const job = await db
      .selectFrom('jobs')
      .select(['status', 'error_code'])
      .where('id', '=', jobId)
      .executeTakeFirstOrThrow();
    expect(job).toEqual({ status: 'failed', error_code: 'error_rate_exceeded' });
    // The verdict is given once: a retry (run it anyway) keeps the chunk
    // and is not failed by it again, nor is a later flow of the same run.
    const retried = await inTransaction(db, (trx) => retryJob(trx, TEST_TENANT, jobId));
    expect(retried.outcome).toBe('retried');
    expect(await judgeDoneFirstChunk(db, jobId, FAIL_FAST)).toBe(false);
    expect(await judgeDoneFirstChunk(db, jobId, FAIL_FAST)).toBe(false);
    const after = await db
      .selectFrom('jobs')
      .select('status')
      .where('id', '=', jobId)
      .executeTakeFirstOrThrow();
    expect(after.status).toBe('queued');
  });

  it('redoes chunks done with an earlier plan and refuses attempts that read one', async () => {
    const jobId = await receivingJob(3, mdy);
    expect(await commitEarly(jobId, 0, await claimEarly(jobId, 0), 0)).toBe('applied');
    const stale = await claimEarly(jobId, 1); // read MDY, still running
    expect(await finish(jobId, dmy)).toBe(true);
    expect(await chunkStates(jobId)).toEqual(['0:pending', '1:pending', '2:pending']);
    expect(await commitEarly(jobId, 1, stale, 0)).toBe('superseded');
    // A claim made from now on reads the final plan and commits.
    const again = await claimEarly(jobId, 1);
    expect((await loadJobPlan(db, jobId))?.columns).toEqual(dmy);
    expect(await commitEarly(jobId, 1, again, 0)).toBe('applied');
    expect(await commitEarly(jobId, 0, await claimEarly(jobId, 0), 0)).toBe('applied');
    expect(await judgeDoneFirstChunk(db, jobId, FAIL_FAST)).toBe(false);
  });

  it('writes no plan to a job that is no longer receiving', async () => {
    const jobId = await receivingJob(1, mdy);
    await db.deleteFrom('jobs').where('id', '=', jobId).execute();
    expect(await setReceivingPlan(db, jobId, { columns: dmy, options: STORED_OPTIONS })).toBe(
      false,
    );
    expect(await loadJobPlan(db, jobId)).toBeUndefined();
  });
});
