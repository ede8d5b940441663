// Revertible imports and row history (README "Reverting an import and row
// history"), through the HTTP API on the real stack: a revert restores the
// dataset byte for byte, is refused while later imports wrote the same rows
// (unless forced), happens once; a row's history names the jobs and file
// lines that wrote it; ROW_HISTORY_RETENTION_DAYS removes old history.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiPost, apiRequest, type JobBody, submitCsv, waitForJob } from '../support/client.ts';
import { type Stack, startStack } from '../support/stack.ts';

type ImportJob = JobBody & {
  import: {
    rowsInserted: number | null;
    rowsUpdated: number | null;
    rowsUnchanged: number | null;
    rowsDuplicate: number | null;
    revertedAt: string | null;
  };
  links: JobBody['links'] & { revert?: string };
};

interface HistoryEntry {
  jobId: string;
  fileName: string | null;
  line: number | null;
  change: 'inserted' | 'updated';
  writtenAt: string | null;
  revertedAt: string | null;
  previous: Record<string, string | boolean | null> | null;
  links: { job: string };
}

const COLUMNS = [
  { name: 'email', type: 'email', required: true },
  { name: 'employer', type: 'company' },
  { name: 'balance', type: 'currency' },
  { name: 'note', type: 'text' },
];
const HEADER = 'Email,Employer,Balance,Note\n';
const line = (i: number, balance: string, note: string) =>
  `p${i}@example.com,Acme ${i % 7} Inc,${balance},${note}\n`;

/** 1,500 people: several chunks (CHUNK_BYTES below), p<i> on line i + 2. */
const BASE = `${HEADER}${Array.from({ length: 1500 }, (_, i) => line(i, `${i}.00`, `note ${i}`)).join('')}`;

/**
 * Against BASE: a row rejected on line 2, then 0-99 updated (p<i> on line
 * i + 3), 100-999 unchanged, 1500-1699 inserted.
 */
const CHANGES = `${HEADER}${[
  'not an email,Acme,1.00,rejected\n',
  ...Array.from({ length: 100 }, (_, i) => line(i, `${i + 1000}.00`, `changed ${i}`)),
  ...Array.from({ length: 900 }, (_, k) => line(k + 100, `${k + 100}.00`, `note ${k + 100}`)),
  ...Array.from({ length: 200 }, (_, k) => line(k + 1500, `${k}.50`, `new ${k}`)),
].join('')}`;

/** A later import: p5 (which CHANGES updated) and p1600 (which CHANGES inserted) again, p9000 new. */
const LATER = `${HEADER}${line(5, '5.55', 'later')}${line(1600, '16.00', 'later')}${line(9000, '1.00', 'later')}`;

let stack: Stack;
const db = new pg.Client({ connectionString: inject('databaseUrl') });

const api = (path: string, init?: RequestInit) => apiRequest(stack.apiUrl, path, init);
const post = (path: string, body?: unknown) => apiPost(stack.apiUrl, path, body);

async function declare(name: string): Promise<void> {
  const res = await post('/v1/datasets', { name, columns: COLUMNS, key: ['email'] });
  expect(res.status, res.text).toBe(201);
}

async function importInto(dataset: string, csv: string, dryRun = false): Promise<ImportJob> {
  const query = `?type=import&dataset=${dataset}${dryRun ? '&dryRun=true' : ''}`;
  const submitted = await submitCsv(stack.apiUrl, csv, query);
  const job = (await waitForJob(stack.apiUrl, submitted.id)) as ImportJob;
  expect(job.status, job.error ?? '').toBe('completed');
  return job;
}

/** md5 of the dataset's export.csv (every row, in key order). */
async function md5(dataset: string): Promise<string> {
  const res = await api(`/v1/datasets/${dataset}/export.csv`);
  expect(res.status).toBe(200);
  return createHash('md5').update(res.text).digest('hex');
}

const revert = (jobId: string, query = '') => post(`/v1/jobs/${jobId}/revert${query}`);

async function history(dataset: string, key: string): Promise<HistoryEntry[]> {
  const res = await api(`/v1/datasets/${dataset}/rows/${encodeURIComponent(key)}/history`);
  expect(res.status, res.text).toBe(200);
  expect(res.body.key).toEqual({ email: key });
  return res.body.history;
}

beforeAll(async () => {
  await db.connect();
  stack = await startStack({
    queuePrefix: '{e2e-revert}',
    env: { CHUNK_BYTES: '16KB' },
    workerEnv: { ROW_HISTORY_RETENTION_DAYS: '1', RETENTION_PURGE_INTERVAL_MS: '1000' },
  });
});

afterAll(async () => {
  await db.end();
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

describe('reverting an import', () => {
  let base: ImportJob;
  let changes: ImportJob;

  it('restores the exact prior contents after an import that inserted and updated rows', async () => {
    await declare('people');
    base = await importInto('people', BASE);
    const before = await md5('people');
    changes = await importInto('people', CHANGES);
    expect(changes.import).toMatchObject({ rowsInserted: 200, rowsUpdated: 100 });
    expect(changes.links.revert).toBe(`${changes.links.self}/revert`);
    expect(await md5('people')).not.toBe(before);

    const res = await revert(changes.id);
    expect(res.status, res.text).toBe(200);
    expect(res.body.import.revertedAt).toEqual(expect.any(String));
    expect(await md5('people')).toBe(before);
    // The job's view (a final job's is cached) shows it.
    const job = (await api(`/v1/jobs/${changes.id}`)).body as ImportJob;
    expect(job.import.revertedAt).toBe(res.body.import.revertedAt);
  });

  it('happens once: reverting again is 409 already_reverted, nothing changes', async () => {
    const before = await md5('people');
    const res = await revert(changes.id);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'already_reverted', revertedAt: expect.any(String) });
    expect(await md5('people')).toBe(before);
  });

  it('shows which jobs wrote a row and from which file line, reverted ones marked', async () => {
    expect(await history('people', 'p5@example.com')).toEqual([
      {
        jobId: base.id,
        fileName: null,
        line: 7,
        change: 'inserted',
        writtenAt: expect.any(String),
        revertedAt: null,
        previous: null,
        links: { job: `${stack.apiUrl}/v1/jobs/${base.id}` },
      },
      {
        jobId: changes.id,
        fileName: null,
        // Line 2 was rejected: the line is still the file's.
        line: 8,
        change: 'updated',
        writtenAt: expect.any(String),
        revertedAt: expect.any(String),
        previous: {
          email: 'p5@example.com',
          employer: 'Acme 5 Inc.',
          balance: '5.00',
          note: 'note 5',
        },
        links: { job: `${stack.apiUrl}/v1/jobs/${changes.id}` },
      },
    ]);
    // A row of a later chunk keeps its line; an unchanged row is not written, so not listed.
    expect(await history('people', 'p1400@example.com')).toMatchObject([
      { jobId: base.id, line: 1402, change: 'inserted' },
    ]);
    expect(await history('people', 'p500@example.com')).toMatchObject([{ jobId: base.id }]);
    expect(await history('people', 'nobody@example.com')).toEqual([]);
    // A row the reverted import inserted (p1500 + k on line 1003 + k): gone, its insert listed, reverted.
    expect(await history('people', 'p1600@example.com')).toEqual([
      {
        jobId: changes.id,
        fileName: null,
        line: 1103,
        change: 'inserted',
        writtenAt: expect.any(String),
        revertedAt: changes.import.revertedAt ?? expect.any(String),
        previous: null,
        links: { job: `${stack.apiUrl}/v1/jobs/${changes.id}` },
      },
    ]);
  });

  it('reverts an import into an empty dataset (inserts only) to empty, its history kept', async () => {
    await declare('fresh');
    await declare('fresh_empty');
    const empty = await md5('fresh_empty');
    const inserted = await importInto('fresh', BASE);
    expect(inserted.import).toMatchObject({ rowsInserted: 1500, rowsUpdated: 0 });
    expect(await history('fresh', 'p1400@example.com')).toMatchObject([
      { jobId: inserted.id, line: 1402, change: 'inserted', revertedAt: null, previous: null },
    ]);
    const res = await revert(inserted.id);
    expect(res.status, res.text).toBe(200);
    expect(await md5('fresh')).toBe(empty);
    const again = await importInto('fresh', LATER);
    const entries = await history('fresh', 'p5@example.com');
    expect(entries).toMatchObject([
      { jobId: inserted.id, line: 7, change: 'inserted', revertedAt: res.body.import.revertedAt },
      { jobId: again.id, line: 2, change: 'inserted', revertedAt: null, previous: null },
    ]);
    expect(entries).toHaveLength(2);
  });

  it('is refused while a later import wrote the same rows, and forced', async () => {
    await declare('ledger');
    await importInto('ledger', BASE);
    const first = await importInto('ledger', CHANGES);
    const later = await importInto('ledger', LATER);
    expect(later.import).toMatchObject({ rowsInserted: 1, rowsUpdated: 2 });
    const afterLater = await md5('ledger');

    const refused = await revert(first.id);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      code: 'revert_conflict',
      laterJobs: [{ jobId: later.id, rows: 2 }],
    });
    expect(await md5('ledger')).toBe(afterLater);

    const forced = await revert(first.id, '?force=true');
    expect(forced.status, forced.text).toBe(200);
    // CHANGES undone, the later import's writes of those rows too (p5 back to
    // BASE, p1600 gone); its new row stays: BASE plus p9000, exactly.
    await declare('ledger_expected');
    await importInto('ledger_expected', BASE);
    await importInto('ledger_expected', `${HEADER}${line(9000, '1.00', 'later')}`);
    expect(await md5('ledger')).toBe(await md5('ledger_expected'));
    // The forced revert wrote p5 since the later import: reverting that one is now refused.
    expect((await revert(later.id)).body).toMatchObject({
      code: 'revert_conflict',
      laterJobs: [{ jobId: expect.any(String), rows: 1 }],
    });
  });

  it('reverts the later import first, then the earlier without force', async () => {
    await declare('orders');
    await importInto('orders', BASE);
    const original = await md5('orders');
    const first = await importInto('orders', CHANGES);
    const later = await importInto('orders', LATER);
    expect((await revert(later.id)).status).toBe(200);
    expect((await revert(first.id)).status).toBe(200);
    expect(await md5('orders')).toBe(original);
  });

  it('refuses what cannot be reverted with stable codes', async () => {
    const normalize = await submitCsv(stack.apiUrl, 'name\nAnn\n');
    await waitForJob(stack.apiUrl, normalize.id);
    expect((await revert(normalize.id)).body).toMatchObject({
      status: 409,
      code: 'not_revertible',
      reason: 'not_import',
    });
    const dryRun = await importInto('people', LATER, true);
    expect((await revert(dryRun.id)).body).toMatchObject({
      status: 409,
      code: 'not_revertible',
      reason: 'dry_run',
    });
    expect((await revert(base.id, '?force=maybe')).body).toMatchObject({
      status: 400,
      code: 'invalid_parameter',
    });
    expect((await revert('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const badKey = await api('/v1/datasets/people/rows/a,b/history');
    expect(badKey.status).toBe(200);
    expect(badKey.body.history).toEqual([]);
    expect((await api('/v1/datasets/nope/rows/x/history')).status).toBe(404);
    const counters = await post('/v1/datasets', {
      name: 'counters',
      columns: [{ name: 'id', type: 'integer', required: true }],
      key: ['id'],
    });
    expect(counters.status, counters.text).toBe(201);
    expect((await api('/v1/datasets/counters/rows/abc/history')).body).toMatchObject({
      status: 400,
      code: 'invalid_row_key',
    });
    expect((await api('/v1/datasets/counters/rows/12/history')).body.history).toEqual([]);
  });

  it('keeps history ROW_HISTORY_RETENTION_DAYS: the purge removes older change logs, which no longer revert', async () => {
    await declare('archive');
    const old = await importInto('archive', LATER);
    const recent = await importInto('archive', `${HEADER}${line(7, '7.00', 'recent')}`);
    expect(await history('archive', 'p5@example.com')).toHaveLength(1);
    await db.query(`update jobs set finished_at = now() - interval '2 days' where id = $1`, [
      old.id,
    ]);
    const deadline = Date.now() + 30_000;
    while ((await history('archive', 'p5@example.com')).length > 0) {
      if (Date.now() > deadline) throw new Error('the purge did not remove the old history');
      await new Promise((r) => setTimeout(r, 250));
    }
    expect((await revert(old.id)).body).toMatchObject({ status: 409, code: 'history_unavailable' });
    expect(await history('archive', 'p7@example.com')).toMatchObject([{ jobId: recent.id }]);
    expect((await revert(recent.id)).status).toBe(200);
  });
});
