// Issue 11 item 11: an import's merge cancelled by its statement timeout
// failed the job at once, as if the data were bad, even when all it did was
// wait on a lock that would pass. Now a timeout is transient for the merge:
// tried again (a bounded number of times), and only then is the job failed,
// with a reason that names the timeout; nothing is merged in between.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { submitCsv, waitForJob } from '../support/client.ts';
import { datasetTable } from '../support/dataset-tables.ts';
import { type Stack, startStack } from '../support/stack.ts';

let stack: Stack;
const db = new pg.Client({ connectionString: inject('databaseUrl') });

beforeAll(async () => {
  await db.connect();
  stack = await startStack({
    queuePrefix: '{e2e-merge-timeout}',
    workerEnv: { IMPORT_STATEMENT_TIMEOUT_MS: '1000', IMPORT_TIMEOUT_ATTEMPTS: '3' },
  });
});

afterAll(async () => {
  await db.end();
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

async function declare(name: string): Promise<void> {
  const res = await fetch(`${stack.apiUrl}/v1/datasets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name,
      columns: [
        { name: 'id', type: 'integer' },
        { name: 'name', type: 'text' },
      ],
      key: ['id'],
    }),
  });
  expect(res.status, await res.text()).toBe(201);
}

const CSV = `id,name\n${Array.from({ length: 200 }, (_, i) => `${i + 1},Person ${i + 1}`).join('\n')}\n`;

/** Holds an ACCESS EXCLUSIVE lock on the dataset's table, as a maintenance job or long report would. */
async function lockDataset(name: string): Promise<pg.Client> {
  const holder = new pg.Client({ connectionString: inject('databaseUrl') });
  await holder.connect();
  await holder.query('begin');
  await holder.query(`lock table ${await datasetTable(db, name)} in access exclusive mode`);
  return holder;
}

/** Resolves once some other session waits for a lock on the dataset's table (the merge). */
async function mergeWaitsForLock(name: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { rows } = await db.query<{ n: number }>(
      `select count(*)::int as n from pg_locks
       where relation = $1::regclass and not granted`,
      [await datasetTable(db, name)],
    );
    if (rows[0]!.n > 0) return;
    if (Date.now() > deadline) throw new Error('the merge never waited for the lock');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function datasetRows(name: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `select count(*)::int as n from ${await datasetTable(db, name)}`,
  );
  return rows[0]!.n;
}

describe('an import merge that hits its statement timeout', () => {
  it('is tried again and completes once the lock it waited on has passed', async () => {
    await declare('merge_lock_passes');
    const holder = await lockDataset('merge_lock_passes');
    try {
      const submitted = await submitCsv(
        stack.apiUrl,
        CSV,
        '?type=import&dataset=merge_lock_passes',
      );
      await mergeWaitsForLock('merge_lock_passes');
      // Longer than one try's statement timeout (1 s), shorter than three tries.
      await new Promise((r) => setTimeout(r, 1_300));
      await holder.query('commit');
      const job = await waitForJob(stack.apiUrl, submitted.id);
      expect(job.status, JSON.stringify(job)).toBe('completed');
      expect(await datasetRows('merge_lock_passes')).toBe(200);
    } finally {
      await holder.end();
    }
  });

  it('fails the job after its tries, naming the timeout, with nothing merged; a retry merges it', async () => {
    await declare('merge_lock_stays');
    const holder = await lockDataset('merge_lock_stays');
    const submitted = await submitCsv(stack.apiUrl, CSV, '?type=import&dataset=merge_lock_stays');
    try {
      const job = await waitForJob(stack.apiUrl, submitted.id);
      expect(job.status).toBe('failed');
      expect(job.errorCode).toBe('import_timed_out');
      expect(job.error).toMatch(/IMPORT_STATEMENT_TIMEOUT_MS \(1000 ms\) on any of 3 tries/);
    } finally {
      await holder.query('commit');
      await holder.end();
    }
    expect(await datasetRows('merge_lock_stays')).toBe(0);
    // The lock is gone: a retry of the failed job merges it.
    const retried = await fetch(`${stack.apiUrl}/v1/jobs/${submitted.id}/retry`, {
      method: 'POST',
    });
    expect(retried.status).toBe(202);
    const again = await waitForJob(stack.apiUrl, submitted.id);
    expect(again.status, JSON.stringify(again)).toBe('completed');
    expect(await datasetRows('merge_lock_stays')).toBe(200);
  });
});
