import { readFileSync } from 'node:fs';
import { parseRecords } from '@sluice/csv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobBody, submitCsv, waitForJob } from '../support/client.ts';
import { type Stack, startStack } from '../support/stack.ts';

const SAMPLE = readFileSync(new URL('../fixtures/contacts-sample.csv', import.meta.url), 'utf8');
const EXPECTED = readFileSync(
  new URL('../fixtures/contacts-sample.expected.csv', import.meta.url),
  'utf8',
);

type ImportJob = JobBody & {
  dataset: string;
  import: {
    rowsInserted: number;
    rowsUpdated: number;
    rowsUnchanged: number;
    rowsDuplicate: number;
  };
};

const DATASET = 'contacts';
const COLUMNS = [
  { name: 'name', type: 'name' },
  { name: 'email', type: 'email', required: true },
  { name: 'phone', type: 'phone' },
  { name: 'birth_date', type: 'date' },
  { name: 'country', type: 'country' },
  { name: 'postal_code', type: 'postal_code' },
  { name: 'state', type: 'region' },
  { name: 'employer', type: 'company' },
  { name: 'balance', type: 'currency' },
  { name: 'subscribed', type: 'boolean' },
];

const records = (csv: string) =>
  parseRecords(csv, { maxFields: 100 }).map((r) => {
    if ('error' in r) throw new Error(r.error.message);
    return r.fields;
  });

/** The expected file as dataset rows: text values, booleans, '' as null; "!error" rows dropped. */
function expectedRows(csv: string) {
  const [header, ...rows] = records(csv);
  return rows
    .filter((r) => r[1] !== '!error')
    .map((r) =>
      Object.fromEntries(
        header!.map((h, i) => {
          const v = r[i]!;
          if (h === 'subscribed') return [h, v === '' ? null : v === 'true'];
          return [h, v === '' ? null : v];
        }),
      ),
    )
    .sort((a, b) => String(a.email).localeCompare(String(b.email)));
}

let stack: Stack;

async function api(path: string, init?: RequestInit) {
  const res = await fetch(`${stack.apiUrl}${path}`, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

const postJson = (path: string, body: unknown) =>
  api(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

async function importCsv(csv: string): Promise<ImportJob> {
  const submitted = await submitCsv(stack.apiUrl, csv, `?type=import&dataset=${DATASET}`);
  return (await waitForJob(stack.apiUrl, submitted.id)) as ImportJob;
}

async function allRows() {
  const { body } = await api(`/v1/datasets/${DATASET}/rows?limit=1000`);
  return body as Array<Record<string, unknown>>;
}

beforeAll(async () => {
  stack = await startStack({ queuePrefix: '{e2e-import}', env: { CHUNK_BYTES: '16KB' } });
});

afterAll(async () => {
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

describe('datasets and import jobs', () => {
  it('creates a dataset as a typed table keyed by email', async () => {
    const res = await postJson('/v1/datasets', { name: DATASET, columns: COLUMNS, key: ['email'] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.headers.get('location')).toBe(`${stack.apiUrl}/v1/datasets/${DATASET}`);
    expect(res.body).toMatchObject({ name: DATASET, key: ['email'], rowCount: 0 });
    expect(res.body.columns).toContainEqual({ name: 'email', type: 'email', required: true });
    expect(res.body.columns).toContainEqual({ name: 'balance', type: 'currency', required: false });

    const again = await postJson('/v1/datasets', {
      name: DATASET,
      columns: COLUMNS,
      key: ['email'],
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('dataset_exists');
  });

  it('imports contacts-sample.csv: every valid row, typed, the rejected row reported', async () => {
    const job = await importCsv(SAMPLE);
    expect(job.status, job.error ?? '').toBe('completed');
    expect(job.dataset).toBe(DATASET);
    // The "X" row has no valid email, and the key is required: rejected, not imported.
    expect(job.counts).toMatchObject({ rowsTotal: 8, rowsAccepted: 7, rowsRejected: 1 });
    expect(job.import).toEqual({
      rowsInserted: 7,
      rowsUpdated: 0,
      rowsUnchanged: 0,
      rowsDuplicate: 0,
      revertedAt: null,
    });
    expect(await allRows()).toEqual(expectedRows(EXPECTED));
    const errors = await fetch(`${stack.apiUrl}/v1/jobs/${job.id}/errors.csv`).then((r) =>
      r.text(),
    );
    expect(errors).toMatch(/^7,email,/m);

    const dataset = await api(`/v1/datasets/${DATASET}`);
    expect(dataset.body.rowCount).toBe(7);
  });

  it('a second import of an edited file updates rows instead of duplicating them', async () => {
    // Jane changes employer and balance; a new contact arrives; the rest are identical.
    const edited = SAMPLE.replace('INITECH LLC,"$2,500.00"', 'GLOBEX CORP,"$3,000.00"').concat(
      'Zed Zulu,zed@example.com,,2000-01-01,Canada,,,,,no\n',
    );
    const job = await importCsv(edited);
    expect(job.status, job.error ?? '').toBe('completed');
    expect(job.import).toEqual({
      rowsInserted: 1,
      rowsUpdated: 1,
      rowsUnchanged: 6,
      rowsDuplicate: 0,
      revertedAt: null,
    });
    const rows = await allRows();
    expect(rows).toHaveLength(8);
    expect(new Set(rows.map((r) => r.email)).size).toBe(8);
    expect(rows.find((r) => r.email === 'jane.doe@gmail.com')).toMatchObject({
      employer: 'Globex Corp.',
      balance: '3000.00',
    });
    expect(rows.find((r) => r.email === 'zed@example.com')).toMatchObject({
      country: 'CA',
      subscribed: false,
      birth_date: '2000-01-01',
    });

    // The same file again changes nothing.
    const rerun = await importCsv(edited);
    expect(rerun.import).toEqual({
      rowsInserted: 0,
      rowsUpdated: 0,
      rowsUnchanged: 8,
      rowsDuplicate: 0,
      revertedAt: null,
    });
    expect(await allRows()).toEqual(rows);
  });

  it('within one file the last row for a key wins', async () => {
    const csv = 'Email,Employer\nann@example.com,First Co\nANN@example.com,Second Co\n';
    const job = await importCsv(csv);
    expect(job.import).toMatchObject({ rowsInserted: 1, rowsDuplicate: 1 });
    expect((await allRows()).find((r) => r.email === 'ann@example.com')).toMatchObject({
      employer: 'Second Co.',
      name: null,
    });
  });

  it('pages rows with Link and X-Total-Count headers', async () => {
    const first = await api(`/v1/datasets/${DATASET}/rows?limit=4`);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-total-count')).toBe('9');
    expect(first.body).toHaveLength(4);
    const link = first.headers.get('link')!;
    expect(link).toContain('rel="next"');
    expect(link).not.toContain('rel="prev"');
    const next = /<([^>]+)>; rel="next"/.exec(link)![1]!;
    expect(next).toBe(`${stack.apiUrl}/v1/datasets/${DATASET}/rows?limit=4&offset=4`);
    const last = await api(`/v1/datasets/${DATASET}/rows?limit=4&offset=8`);
    expect(last.body).toHaveLength(1);
    expect(last.headers.get('link')).toContain('rel="prev"');
    expect(last.headers.get('link')).not.toContain('rel="next"');
    const emails = [
      ...first.body,
      ...(await api(`/v1/datasets/${DATASET}/rows?limit=4&offset=4`)).body,
      ...last.body,
    ].map((r: { email: string }) => r.email);
    expect(emails).toEqual([...emails].sort());
    expect(new Set(emails).size).toBe(9);

    // Other test files declare datasets in the same database meanwhile: the
    // count must match the listing, and this file's dataset be in it.
    const list = await api('/v1/datasets?limit=1000');
    const names = list.body.map((d: { name: string }) => d.name);
    expect(list.headers.get('x-total-count')).toBe(String(names.length));
    expect(names).toContain(DATASET);
  });

  it('refuses bad declarations and mappings with stable codes, creating nothing', async () => {
    const bad = [
      { name: 'Robert"); drop table jobs; --', columns: COLUMNS, key: ['email'] },
      { name: 'x', columns: [{ name: 'a b', type: 'text' }], key: ['a b'] },
      { name: 'x', columns: [{ name: 'a', type: 'money' }], key: ['a'] },
      { name: 'x', columns: [{ name: 'a', type: 'text' }], key: ['b'] },
      { name: 'x', columns: [{ name: 'a', type: 'text' }], key: [] },
      { name: 'x', columns: [], key: ['a'] },
    ];
    for (const body of bad) {
      const res = await postJson('/v1/datasets', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('invalid_dataset');
    }
    const notJson = await api('/v1/datasets', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(notJson.status).toBe(400);
    // Nothing was created: no dataset of the names tried.
    expect((await api('/v1/datasets/x')).status).toBe(404);

    const missing = await api('/v1/datasets/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('dataset_not_found');
    expect((await api('/v1/datasets/no%22pe/rows')).body.code).toBe('dataset_not_found');

    const post = (query: string, csv: string) =>
      api(`/v1/jobs${query}`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: csv,
      });
    expect((await post('?type=import&dataset=nope', 'email\na@b.c\n')).body.code).toBe(
      'dataset_not_found',
    );
    expect((await post('?type=import', 'email\na@b.c\n')).body.code).toBe('invalid_option');
    const noKey = await post(`?type=import&dataset=${DATASET}`, 'name,phone\nAnn,555\n');
    expect(noKey.status).toBe(400);
    expect(noKey.body).toMatchObject({ code: 'missing_dataset_column', missing: ['email'] });
    const conflict = await post(
      `?type=import&dataset=${DATASET}&columns=${encodeURIComponent('{"email":"text"}')}`,
      'email\na@b.c\n',
    );
    expect(conflict.body.code).toBe('type_conflict');
    const renamed = await post(
      `?type=import&dataset=${DATASET}&columns=${encodeURIComponent('{"Mail":{"rename":"emial"}}')}`,
      'Mail\na@b.c\n',
    );
    expect(renamed.body.code).toBe('unknown_dataset_column');
  });

  it('maps headers by rename and leaves unmapped columns out of the dataset', async () => {
    const csv = 'E-Mail Address,Notes,Firma\nnew@example.com,not imported,acme inc\n';
    const columns = encodeURIComponent(
      JSON.stringify({ 'E-Mail Address': { rename: 'email' }, Firma: { rename: 'employer' } }),
    );
    const submitted = await submitCsv(
      stack.apiUrl,
      csv,
      `?type=import&dataset=${DATASET}&columns=${columns}`,
    );
    const job = (await waitForJob(stack.apiUrl, submitted.id)) as ImportJob;
    expect(job.status, job.error ?? '').toBe('completed');
    expect(job.columns).toContainEqual(expect.objectContaining({ name: 'Notes' }));
    expect(job.columns.find((c) => c.name === 'Notes')).not.toHaveProperty('target');
    const row = (await allRows()).find((r) => r.email === 'new@example.com');
    expect(row).toMatchObject({ employer: 'Acme Inc.', name: null });
    expect(row).not.toHaveProperty('notes');
  });

  it('lists jobs newest first, filtered by type, dataset and status, paged', async () => {
    const all = await api(`/v1/jobs?type=import&dataset=${DATASET}&limit=2`);
    expect(all.status).toBe(200);
    // Five accepted imports above: sample, edited, rerun, last-row-wins, rename.
    expect(all.headers.get('x-total-count')).toBe('5');
    expect(all.body).toHaveLength(2);
    expect(all.headers.get('link')).toContain('rel="next"');
    const page2 = await api(`/v1/jobs?type=import&dataset=${DATASET}&limit=2&offset=2`);
    const created = [...all.body, ...page2.body].map((j: { createdAt: string }) => j.createdAt);
    expect(created).toEqual([...created].sort().reverse());
    expect(all.body[0]).toMatchObject({ type: 'import', dataset: DATASET, status: 'completed' });
    expect(all.body[0].links.self).toMatch(/\/v1\/jobs\/[0-9a-f-]{36}$/);
    const failed = await api(`/v1/jobs?status=failed&dataset=${DATASET}`);
    expect(failed.headers.get('x-total-count')).toBe('0');
    const bad = await api('/v1/jobs?status=done');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_filter');
  });
});
