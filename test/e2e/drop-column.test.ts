// `columns` with {"drop":true}: the column is read (it is part of every
// record) but never normalized, reported or written: not in result.csv, not
// in errors.csv, not imported, and not in a preview's normalized values.

import { parseRecords } from '@sluice/csv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getText, type JobBody, submitCsv, waitForJob } from '../support/client.ts';
import { type Stack, startStack } from '../support/stack.ts';

type DroppableJob = Omit<JobBody, 'columns'> & {
  columns: Array<{ name: string; type: string; dropped?: boolean }>;
};

interface PreviewBody {
  header: string[];
  columns: Array<{
    name: string;
    outputName: string;
    type: string;
    dropped?: true;
    datasetColumn?: string | null;
  }>;
  rows: Array<{
    raw: string[] | null;
    normalized: string[] | null;
    errors: Array<{ column: string | null; code: string }>;
  }>;
  datasetColumns?: Array<{ name: string; column: string | null }>;
}

const rows = (csv: string) =>
  parseRecords(csv, { maxFields: 100 }).map((r) => {
    if ('error' in r) throw new Error(r.error.message);
    return r.fields;
  });

/** Phone and DOB hold values that would each be an error, were they normalized. */
const CONTACTS = [
  'Name,Phone,Email,DOB',
  ' ada  LOVELACE ,123,ADA@Example.com,31/31/1990',
  'Bob,=cmd(),not-mail,yesterday',
  'Cy,(415) 555-2671,cy@example.com,1990-07-04',
  '',
].join('\n');
/** Dropped case-insensitively: the request says phone and dob. */
const DROP = { phone: { drop: true }, dob: { drop: true } };

let stack: Stack;

async function api(path: string, init?: RequestInit) {
  const res = await fetch(`${stack.apiUrl}${path}`, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const post = (path: string, csv: string) =>
  api(path, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });

const columnsQuery = (columns: unknown) => `columns=${encodeURIComponent(JSON.stringify(columns))}`;

beforeAll(async () => {
  stack = await startStack({ queuePrefix: '{e2e-drop-column}' });
});

afterAll(async () => {
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

describe('a normalize job with dropped columns', () => {
  let job: DroppableJob;

  beforeAll(async () => {
    const submitted = await submitCsv(stack.apiUrl, CONTACTS, `?${columnsQuery(DROP)}`);
    job = (await waitForJob(stack.apiUrl, submitted.id)) as DroppableJob;
  });

  it('completes, and the job shows every column with the dropped ones flagged', () => {
    expect(job.status, job.error ?? '').toBe('completed');
    expect(job.columns.map((c) => [c.name, c.dropped ?? false])).toEqual([
      ['Name', false],
      ['Phone', true],
      ['Email', false],
      ['DOB', true],
    ]);
    // Every row is accepted: the dropped values cannot reject or flag anything.
    expect(job.counts).toMatchObject({ rowsTotal: 3, rowsAccepted: 3, rowsRejected: 0 });
  });

  it('writes result.csv without the dropped columns, header and rows', async () => {
    const res = await getText(job.links.result);
    expect(res.status).toBe(200);
    expect(rows(res.body)).toEqual([
      ['Name', 'Email'],
      ['Ada Lovelace', 'ada@example.com'],
      ['Bob', ''],
      ['Cy', 'cy@example.com'],
    ]);
  });

  it('reports no error of a dropped column in errors.csv (only the kept email)', async () => {
    const res = await getText(job.links.errors);
    expect(res.status).toBe(200);
    const [header, ...errors] = rows(res.body);
    expect(header).toEqual(['row', 'column', 'value', 'code', 'message']);
    expect(errors.map((e) => [e[0], e[1], e[3]])).toEqual([['3', 'Email', 'invalid_email']]);
    expect(job.counts.errors).toBe(1);
  });
});

describe('refused drop requests', () => {
  it('refuses drop with type, required or rename (400 invalid_option, naming them)', async () => {
    const res = await post(
      `/v1/jobs?${columnsQuery({ Phone: { drop: true, type: 'phone', rename: 'p' } })}`,
      CONTACTS,
    );
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_option');
    expect(res.body.detail).toMatch(
      /columns\.Phone drops the column, so it cannot also set type, rename/,
    );
  });

  it('refuses dropping every column (400 invalid_option)', async () => {
    const all = {
      name: { drop: true },
      PHONE: { drop: true },
      email: { drop: true },
      DOB: { drop: true },
    };
    const res = await post(`/v1/jobs?${columnsQuery(all)}`, CONTACTS);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_option');
    expect(res.body.detail).toMatch(/drops every column/);
  });

  it('refuses dropping a column the header does not have, like any other request (unknown_column)', async () => {
    const res = await post(`/v1/jobs?${columnsQuery({ Fax: { drop: true } })}`, CONTACTS);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('unknown_column');
  });
});

describe('an import with dropped columns', () => {
  const DATASET = 'drop_people';

  beforeAll(async () => {
    const created = await api('/v1/datasets', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: DATASET,
        columns: [
          { name: 'email', type: 'email', required: true },
          { name: 'name', type: 'name' },
          { name: 'score', type: 'integer' },
        ],
        key: ['email'],
      }),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  });

  const FILE = 'Junk,Email,Name,Score\nnot a thing,a@x.io,ann,7.5\n???,b@x.io,bob,x\n';

  it('imports without a dropped unmapped column, and without one named like a dataset column', async () => {
    const query = `?type=import&dataset=${DATASET}&${columnsQuery({ junk: { drop: true }, SCORE: { drop: true } })}`;
    const submitted = await submitCsv(stack.apiUrl, FILE, query);
    const job = (await waitForJob(stack.apiUrl, submitted.id)) as DroppableJob;
    expect(job.status, job.error ?? '').toBe('completed');
    // The scores would be invalid integers: dropped, they are no errors.
    expect(job.counts).toMatchObject({ rowsAccepted: 2, rowsRejected: 0, errors: 0 });
    const { body } = await api(`/v1/datasets/${DATASET}/rows?limit=10`);
    const imported = (body as Array<Record<string, unknown>>)
      .map(({ email, name, score }) => ({ email, name, score }))
      .sort((a, b) => String(a.email).localeCompare(String(b.email)));
    expect(imported).toEqual([
      { email: 'a@x.io', name: 'Ann', score: null },
      { email: 'b@x.io', name: 'Bob', score: null },
    ]);
    expect((await getText(job.links.result)).body).toBe('email,name\na@x.io,Ann\nb@x.io,Bob\n');
  });

  it('refuses dropping the key column (400 missing_dataset_column, naming it)', async () => {
    const query = `?type=import&dataset=${DATASET}&${columnsQuery({ EMAIL: { drop: true } })}`;
    const res = await post(`/v1/jobs${query}`, FILE);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'missing_dataset_column',
      missing: ['email'],
      dropped: ['Email'],
    });
    expect(res.body.detail).toMatch(
      /Column "Email" is dropped, but dataset drop_people needs it for its key column email/,
    );
  });

  it('previews the import: the dropped column flagged and mapped to nothing', async () => {
    const query = `?type=import&dataset=${DATASET}&${columnsQuery({ Score: { drop: true } })}`;
    const res = await post(`/v1/previews${query}`, FILE);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const preview = res.body as PreviewBody;
    expect(preview.columns.map((c) => [c.name, c.datasetColumn, c.dropped ?? false])).toEqual([
      ['Junk', null, false],
      ['Email', 'email', false],
      ['Name', 'name', false],
      ['Score', null, true],
    ]);
    expect(preview.datasetColumns?.find((c) => c.name === 'score')?.column).toBeNull();
    expect(preview.rows[0]!.normalized).toEqual(['not a thing', 'a@x.io', 'Ann']);
  });
});

describe('a preview with dropped columns', () => {
  it('lists every column, the dropped ones flagged, and normalizes the rest as result.csv', async () => {
    const res = await post(`/v1/previews?${columnsQuery(DROP)}`, CONTACTS);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const preview = res.body as PreviewBody;
    expect(preview.header).toEqual(['Name', 'Phone', 'Email', 'DOB']);
    // Still typed (the UI can show what undoing the drop would give).
    expect(preview.columns.map((c) => [c.name, c.type, c.dropped ?? false])).toEqual([
      ['Name', 'name', false],
      ['Phone', 'phone', true],
      ['Email', 'email', false],
      ['DOB', 'date', true],
    ]);
    expect(preview.rows.map((r) => r.raw)).toEqual(rows(CONTACTS).slice(1));
    expect(preview.rows.map((r) => r.normalized)).toEqual([
      ['Ada Lovelace', 'ada@example.com'],
      ['Bob', ''],
      ['Cy', 'cy@example.com'],
    ]);
    expect(preview.rows.flatMap((r) => r.errors.map((e) => [e.column, e.code]))).toEqual([
      ['Email', 'invalid_email'],
    ]);
  });
});
