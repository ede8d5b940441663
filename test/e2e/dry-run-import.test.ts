import { createHash } from 'node:crypto';
import { parseRecords } from '@sluice/csv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiPost, apiRequest, type JobBody, submitCsv, waitForJob } from '../support/client.ts';
import { type Stack, startStack } from '../support/stack.ts';

type Counts = { inserted: number; updated: number; unchanged: number; duplicate: number };
type DryRunJob = JobBody & {
  import: {
    rowsInserted: number | null;
    rowsUpdated: number | null;
    rowsUnchanged: number | null;
    rowsDuplicate: number | null;
  };
  dryRun?: Counts & {
    columnChanges: Record<string, number> | null;
    datasetVersion: number | null;
    promotedAt: string | null;
  };
  links: JobBody['links'] & { diff?: string; promote?: string };
};

const COLUMNS = [
  { name: 'email', type: 'email', required: true },
  { name: 'employer', type: 'company' },
  { name: 'balance', type: 'currency' },
  { name: 'note', type: 'text' },
];

const line = (i: number, balance: string, note: string) =>
  `p${i}@example.com,Acme ${i % 7} Inc,${balance},${note}\n`;

/** 1,500 people. */
const BASE = `Email,Employer,Balance,Note\n${Array.from({ length: 1500 }, (_, i) =>
  line(i, `${i}.00`, `note ${i}`),
).join('')}`;

/**
 * Against BASE: 0-99 get a new balance (0-39 a new note too, 0-4 one that a
 * spreadsheet would run as a formula), 100-999 come again unchanged (100 and
 * 101 first with other values: duplicates, the later row wins), 1500-1699 are
 * new; 1000-1499 are not in the file.
 */
const CHANGES = `Email,Employer,Balance,Note\n${[
  line(100, '1.00', 'superseded'),
  line(101, '2.00', 'superseded'),
  ...Array.from({ length: 100 }, (_, i) =>
    line(i, `${i + 1000}.00`, i < 5 ? `=1+${i}` : i < 40 ? `changed ${i}` : `note ${i}`),
  ),
  ...Array.from({ length: 900 }, (_, k) => line(k + 100, `${k + 100}.00`, `note ${k + 100}`)),
  ...Array.from({ length: 200 }, (_, k) => line(k + 1500, `${k}.50`, `new ${k}`)),
].join('')}`;

const EXPECTED: Counts = { inserted: 200, updated: 100, unchanged: 900, duplicate: 2 };

let stack: Stack;

const api = (path: string, init?: RequestInit) => apiRequest(stack.apiUrl, path, init);
const post = (path: string, body?: unknown) => apiPost(stack.apiUrl, path, body);

async function importInto(dataset: string, csv: string, dryRun = false): Promise<DryRunJob> {
  const query = `?type=import&dataset=${dataset}${dryRun ? '&dryRun=true' : ''}`;
  const submitted = await submitCsv(stack.apiUrl, csv, query);
  const job = (await waitForJob(stack.apiUrl, submitted.id)) as DryRunJob;
  expect(job.status, job.error ?? '').toBe('completed');
  return job;
}

/** The dataset's export.csv (every row in key order) and its md5. */
async function snapshot(dataset: string) {
  const res = await api(`/v1/datasets/${dataset}/export.csv`);
  expect(res.status).toBe(200);
  return { csv: res.text, md5: createHash('md5').update(res.text).digest('hex') };
}

const records = (csv: string) =>
  parseRecords(csv, { maxFields: 100 }).map((r) => {
    if ('error' in r) throw new Error(r.error.message);
    return r.fields;
  });

/** export.csv as key -> column -> value. */
function cells(csv: string): Map<string, Map<string, string>> {
  const [header, ...rows] = records(csv);
  return new Map(rows.map((r) => [r[0]!, new Map(header!.map((h, i) => [h, r[i]!]))]));
}

beforeAll(async () => {
  // Small chunks: the dry run's stage is filled by several chunk commits.
  stack = await startStack({ queuePrefix: '{e2e-dry-run}', env: { CHUNK_BYTES: '16KB' } });
  for (const name of ['people', 'people_real']) {
    const res = await post('/v1/datasets', { name, columns: COLUMNS, key: ['email'] });
    expect(res.status, res.text).toBe(201);
    await importInto(name, BASE);
  }
});

afterAll(async () => {
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

describe('dry-run imports', () => {
  let dryRun: DryRunJob;
  let before: { csv: string; md5: string };

  it("computes the merge's effect and leaves the dataset byte-identical", async () => {
    before = await snapshot('people');
    dryRun = await importInto('people', CHANGES, true);
    expect(dryRun.dryRun).toEqual({
      ...EXPECTED,
      columnChanges: { employer: 0, balance: 100, note: 40 },
      datasetVersion: 1,
      promotedAt: null,
    });
    // Nothing merged: no import figures until it is promoted.
    expect(dryRun.import).toEqual({
      rowsInserted: null,
      rowsUpdated: null,
      rowsUnchanged: null,
      rowsDuplicate: null,
      revertedAt: null,
    });
    expect(dryRun.links.diff).toBe(`${stack.apiUrl}/v1/jobs/${dryRun.id}/diff.csv`);
    expect(dryRun.links.promote).toBe(`${stack.apiUrl}/v1/jobs/${dryRun.id}/promote`);
    expect((await snapshot('people')).md5).toBe(before.md5);
    expect((await api('/v1/datasets/people')).body.rowCount).toBe(1500);
  });

  it('matches the counts of the same file really imported', async () => {
    const real = await importInto('people_real', CHANGES);
    expect(real.import).toEqual({
      rowsInserted: EXPECTED.inserted,
      rowsUpdated: EXPECTED.updated,
      rowsUnchanged: EXPECTED.unchanged,
      rowsDuplicate: EXPECTED.duplicate,
      revertedAt: null,
    });
    expect(real.dryRun).toBeUndefined();
    expect(real.links).not.toHaveProperty('diff');
  });

  let diff: string[][];

  it('serves diff.csv: key, change, column, old and new value of every cell the merge changes', async () => {
    const res = await api(`/v1/jobs/${dryRun.id}/diff.csv`);
    expect(res.status, res.text).toBe(200);
    const [header, ...rows] = records(res.text);
    expect(header).toEqual(['email', 'change', 'column', 'old_value', 'new_value']);
    diff = rows;
    expect(rows.filter((r) => r[1] === 'update')).toHaveLength(140);
    // Inserts: every column given a value (employer, balance, note) of 200 new keys.
    expect(rows.filter((r) => r[1] === 'insert')).toHaveLength(600);
    // No cell a spreadsheet would run as a formula (the new notes start with '=').
    for (const cell of rows.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(rows.find((r) => r[0] === 'p7@example.com' && r[2] === 'note')).toEqual([
      'p7@example.com',
      'update',
      'note',
      'note 7',
      'changed 7',
    ]);
  });

  it('promotes to the real import: same counts, the content the real import gave, the diff exact', async () => {
    const res = await post(`/v1/jobs/${dryRun.id}/promote`);
    expect(res.status, res.text).toBe(200);
    const promoted = res.body as DryRunJob;
    expect(promoted.import).toEqual({
      rowsInserted: EXPECTED.inserted,
      rowsUpdated: EXPECTED.updated,
      rowsUnchanged: EXPECTED.unchanged,
      rowsDuplicate: EXPECTED.duplicate,
      revertedAt: null,
    });
    expect(promoted.dryRun?.promotedAt).toEqual(expect.any(String));
    const after = await snapshot('people');
    expect(after.md5).not.toBe(before.md5);
    expect(after.md5).toBe((await snapshot('people_real')).md5);
    expect((await api(`/v1/jobs/${dryRun.id}`)).body.import).toEqual(promoted.import);

    // The diff is exactly the cells that differ between before and after.
    const old = cells(before.csv);
    const now = cells(after.csv);
    const changed: string[][] = [];
    for (const [key, row] of now) {
      for (const [column, value] of row) {
        if (column === 'email') continue;
        const was = old.get(key);
        if (!was) {
          if (value !== '') changed.push([key, 'insert', column, '', value]);
        } else if (was.get(column) !== value) {
          changed.push([key, 'update', column, was.get(column)!, value]);
        }
      }
    }
    const sort = (rows: string[][]) => rows.map((r) => r.join('\u0000')).sort();
    expect(sort(diff)).toEqual(sort(changed));

    // Again: the promoted job, nothing merged twice.
    const again = await post(`/v1/jobs/${dryRun.id}/promote`);
    expect(again.status).toBe(200);
    expect(again.body.import).toEqual(promoted.import);
    expect((await snapshot('people')).md5).toBe(after.md5);
    // Promoted: it is the import now, its diff is gone.
    const gone = await api(`/v1/jobs/${dryRun.id}/diff.csv`);
    expect(gone.status).toBe(409);
    expect(gone.body.code).toBe('dry_run_promoted');
  });

  it('refuses promotion with 409 dataset_changed after another import changed the dataset', async () => {
    const stale = await importInto(
      'people',
      `Email,Employer,Balance,Note\n${line(1, '77.00', 'stale')}`,
      true,
    );
    expect(stale.dryRun).toMatchObject({ inserted: 0, updated: 1, datasetVersion: 2 });
    // An import that writes nothing leaves the version (and the dry run) valid...
    const noop = await importInto('people', `Email,Note\np50@example.com,note 50\n`);
    expect(noop.import).toMatchObject({ rowsUnchanged: 1, rowsUpdated: 0 });
    expect((await api(`/v1/jobs/${stale.id}/diff.csv`)).status).toBe(200);
    // ...one that writes does not.
    await importInto('people', `Email,Note\np3@example.com,touched\n`);
    const before = await snapshot('people');
    const res = await post(`/v1/jobs/${stale.id}/promote`);
    expect(res.status, res.text).toBe(409);
    expect(res.body).toMatchObject({
      code: 'dataset_changed',
      dryRunVersion: 2,
      datasetVersion: 3,
    });
    expect((await snapshot('people')).md5).toBe(before.md5);
    const diffRes = await api(`/v1/jobs/${stale.id}/diff.csv`);
    expect(diffRes.status).toBe(409);
    expect(diffRes.body.code).toBe('dataset_changed');
    const job = (await api(`/v1/jobs/${stale.id}`)).body as DryRunJob;
    expect(job.import.rowsInserted).toBeNull();
    expect(job.dryRun?.promotedAt).toBeNull();
  });

  it("a promotion racing another import: merged before it with the dry run's counts, or refused", async () => {
    const header = 'Email,Employer,Balance,Note\n';
    const dry = await importInto('people', `${header}${line(1200, '5.00', 'raced')}`, true);
    expect(dry.dryRun).toMatchObject({ updated: 1, inserted: 0 });
    const [promotion, other] = await Promise.all([
      post(`/v1/jobs/${dry.id}/promote`),
      importInto('people', `${header}${line(1201, '6.00', 'other')}`),
    ]);
    expect(other.import).toMatchObject({ rowsUpdated: 1 });
    const rows = cells((await snapshot('people')).csv);
    expect(rows.get('p1201@example.com')?.get('note')).toBe('other');
    if (promotion.status === 200) {
      // Merged first, under the dataset lock: exactly what the dry run said.
      expect(promotion.body.import).toMatchObject({ rowsUpdated: 1, rowsInserted: 0 });
      expect(rows.get('p1200@example.com')?.get('note')).toBe('raced');
    } else {
      // The other import merged first: the dry run's figures were stale.
      expect(promotion.status, promotion.text).toBe(409);
      expect(promotion.body.code).toBe('dataset_changed');
      expect(rows.get('p1200@example.com')?.get('note')).toBe('note 1200');
    }
  });

  it('refuses dryRun outside imports, and promotion of a job that is not a dry run', async () => {
    const normalize = await fetch(`${stack.apiUrl}/v1/jobs?dryRun=true`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'a\n1\n',
    });
    expect(normalize.status).toBe(400);
    expect(((await normalize.json()) as { code: string }).code).toBe('invalid_option');
    const bad = await fetch(`${stack.apiUrl}/v1/jobs?dataset=people&dryRun=yes`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'Email\na@example.com\n',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe('invalid_option');
    const real = await importInto('people', 'Email,Note\np4@example.com,x\n');
    const res = await post(`/v1/jobs/${real.id}/promote`);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('not_dry_run');
    expect((await api(`/v1/jobs/${real.id}/diff.csv`)).body.code).toBe('not_dry_run');
  });
});
