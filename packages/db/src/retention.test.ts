import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { claimChunk, commitChunkResult } from './chunks.ts';
import { createDatabase } from './connection.ts';
import { markJobFailed } from './job-completion.ts';
import { cancelJob } from './job-control.ts';
import { migrateToLatest } from './migrate.ts';
import { purgeExpiredJobs } from './retention.ts';
import { storeAcceptedJob, TEST_TENANT, UNLIMITED_ERRORS } from './test-helpers.ts';
import { inTransaction } from './transaction.ts';

const handle = createDatabase({ url: inject('databaseUrl'), poolSize: 2 });
const { db } = handle;

beforeAll(async () => {
  await migrateToLatest(db);
});
afterAll(() => handle.close());

/** An accepted job of two chunks, the first done with two row errors. */
async function job(): Promise<string> {
  const id = await storeAcceptedJob(db, {
    chunks: 2,
    recordsPerChunk: 1,
    columns: [{ name: 'a', type: 'email', required: false }],
  });
  const attempt = await claimChunk(db, id, 0, 'w');
  await inTransaction(db, (trx) =>
    commitChunkResult(
      trx,
      {
        jobId: id,
        seq: 0,
        attempt: attempt!,
        output: Buffer.from(''),
        rowsAccepted: 0,
        rowsRejected: 1,
        rowsBlank: 0,
        errors: [0, 1].map((i) => ({
          recordNumber: 2,
          column: 'a',
          raw: `bad ${i}`,
          code: 'invalid_email',
          message: 'no',
        })),
        processedBy: 'w',
      },
      UNLIMITED_ERRORS,
    ),
  );
  return id;
}

const finishedDaysAgo = (id: string, days: number) =>
  sql`update jobs set finished_at = now() - make_interval(days => ${days}) where id = ${id}`.execute(
    db,
  );

const exists = async (id: string) =>
  (await db.selectFrom('jobs').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;

describe('purgeExpiredJobs', () => {
  it('deletes jobs finished longer ago than the retention, with their chunks and errors; nothing else', async () => {
    const expiredFailed = await job();
    await markJobFailed(db, expiredFailed, { code: 'chunk_failed', reason: 'x' });
    await finishedDaysAgo(expiredFailed, 9_000);
    const expiredCancelled = await job();
    await cancelJob(db, TEST_TENANT, expiredCancelled);
    await finishedDaysAgo(expiredCancelled, 9_001);
    const recent = await job();
    await markJobFailed(db, recent, { code: 'chunk_failed', reason: 'x' });
    await finishedDaysAgo(recent, 8_000);
    // Unfinished, however old it is: never purged.
    const running = await job();
    await sql`update jobs set created_at = now() - interval '9000 days' where id = ${running}`.execute(
      db,
    );

    const purged = await purgeExpiredJobs(db, { olderThanDays: 8_500, limit: 100 });
    expect(new Set(purged.jobs.map((j) => j.id))).toEqual(
      new Set([expiredFailed, expiredCancelled]),
    );
    expect(purged).toMatchObject({ chunks: 4, rowErrors: 4 });
    expect(await exists(expiredFailed)).toBe(false);
    expect(await exists(expiredCancelled)).toBe(false);
    expect(await exists(recent)).toBe(true);
    expect(await exists(running)).toBe(true);
    const left = await sql<{ n: number }>`
      select count(*)::int as n from job_chunks where job_id in (${expiredFailed}, ${expiredCancelled})`.execute(
      db,
    );
    expect(left.rows[0]!.n).toBe(0);
    expect((await purgeExpiredJobs(db, { olderThanDays: 8_500, limit: 100 })).jobs).toEqual([]);
  });

  it('takes at most `limit` jobs per call, oldest first', async () => {
    const ids = [await job(), await job(), await job()];
    for (const [i, id] of ids.entries()) {
      await markJobFailed(db, id, { code: 'chunk_failed', reason: 'x' });
      await finishedDaysAgo(id, 20_000 - i);
    }
    const first = await purgeExpiredJobs(db, { olderThanDays: 19_000, limit: 2 });
    expect(new Set(first.jobs.map((j) => j.id))).toEqual(new Set([ids[0], ids[1]]));
    const second = await purgeExpiredJobs(db, { olderThanDays: 19_000, limit: 2 });
    expect(second.jobs).toEqual([{ id: ids[2], tenantId: TEST_TENANT }]);
  });
});
