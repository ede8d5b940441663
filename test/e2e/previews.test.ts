// POST /v1/previews: what a job would make of the start of a file, stored
// nowhere; reads only a bounded prefix of whatever the client sends.

import { readFileSync } from 'node:fs';
import { parseRecords } from '@sluice/csv';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { issueTestKey } from '../support/api-keys.ts';
import { type Stack, startStack } from '../support/stack.ts';

const SAMPLE = readFileSync(new URL('../fixtures/contacts-sample.csv', import.meta.url));
const EXPECTED = readFileSync(
  new URL('../fixtures/contacts-sample.expected.csv', import.meta.url),
  'utf8',
);

const records = (csv: string) =>
  parseRecords(csv, { maxFields: 100 }).map((r) => {
    if ('error' in r) throw new Error(r.error.message);
    return r.fields;
  });

interface PreviewColumn {
  name: string;
  outputName: string;
  type: string;
  source: string;
  confidence: number;
  notes: string[];
  required: boolean;
  datasetColumn?: string | null;
  key?: boolean;
}
interface PreviewRow {
  recordNumber: number;
  raw: string[] | null;
  normalized: string[] | null;
  rejected: boolean;
  errors: Array<{ column: string | null; code: string; message: string }>;
}
interface Preview {
  type: string;
  dataset?: string;
  encoding: { name: string; source: string; confidence: number; note?: string };
  delimiter: { char: string; source: string; confidence: number };
  header: string[];
  columns: PreviewColumn[];
  datasetColumns?: Array<{ name: string; required: boolean; key: boolean; column: string | null }>;
  rows: PreviewRow[];
  sample: { records: number; bytes: number };
  truncated: boolean;
  options: Record<string, unknown> & { dialect: Record<string, unknown> };
}

let stack: Stack;
/** Another tenant's key, with every scope. */
let other: string;

beforeAll(async () => {
  stack = await startStack({ queuePrefix: '{e2e-previews}', env: { MAX_UPLOAD_BYTES: '100MB' } });
  other = (await issueTestKey(inject('databaseUrl'), 'e2e-previews-b')).key;
});

afterAll(async () => {
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

async function preview(
  body: RequestInit['body'],
  query = '',
  init: { contentType?: string; key?: string } = {},
): Promise<{ status: number; body: Preview & { code?: string; detail?: string } }> {
  const res = await fetch(`${stack.apiUrl}/v1/previews${query}`, {
    method: 'POST',
    headers: {
      ...(init.contentType === undefined ? { 'content-type': 'text/csv' } : {}),
      ...(init.contentType ? { 'content-type': init.contentType } : {}),
      ...(init.key ? { authorization: `Bearer ${init.key}` } : {}),
    },
    body,
  });
  return { status: res.status, body: JSON.parse(await res.text()) };
}

const postJson = (path: string, body: unknown, key?: string) =>
  fetch(`${stack.apiUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: JSON.stringify(body),
  });

describe('a preview of the shared sample', () => {
  it('shows the dialect, header, inferred types with their sources, and the normalized first rows', async () => {
    const { status, body } = await preview(SAMPLE);
    expect(status, JSON.stringify(body)).toBe(200);
    const [expectedHeader, ...expected] = records(EXPECTED);
    expect(body.type).toBe('normalize');
    expect(body.delimiter).toEqual({ char: ',', source: 'detected', confidence: 1 });
    expect(body.encoding).toMatchObject({ name: 'utf-8', confidence: 1 });
    expect(body.header).toEqual(expectedHeader);
    expect(body.columns.map((c) => [c.name, c.type, c.source])).toEqual([
      ['name', 'name', 'header'],
      ['email', 'email', 'header'],
      ['phone', 'phone', 'header'],
      ['birth_date', 'date', 'header'],
      ['country', 'country', 'header'],
      ['postal_code', 'postal_code', 'header'],
      ['state', 'region', 'header'],
      ['employer', 'company', 'header'],
      ['balance', 'currency', 'header'],
      ['subscribed', 'boolean', 'header'],
    ]);
    for (const column of body.columns) {
      expect(column.confidence).toBeGreaterThan(0);
      expect(column.confidence).toBeLessThanOrEqual(1);
      expect(column.notes.length, column.name).toBeGreaterThan(0);
    }
    // The whole sample is 8 rows: read to its end.
    expect(body.truncated).toBe(false);
    expect(body.sample.records).toBe(8);
    expect(body.rows.map((r) => r.recordNumber)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(body.rows[0]!.raw![1]).toBe('  Jane.Doe@Gmail.COM');
    // What a job would write: the expected file ('!error' cells come out empty, with an error).
    const accepted = body.rows.filter((r) => !r.rejected);
    expect(accepted).toHaveLength(expected.length);
    accepted.forEach((row, i) => {
      const want = expected[i]!;
      want.forEach((cell, c) => {
        const got = row.normalized![c]!;
        const name = expectedHeader![c]!;
        if (cell === '!error') {
          expect(got, `row ${row.recordNumber} ${name}`).toBe('');
          expect(row.errors.map((e) => e.column)).toContain(name);
        } else if (name === 'balance' && cell !== '') {
          expect(Number(got), `row ${row.recordNumber} ${name}`).toBe(Number(cell));
        } else {
          expect(got, `row ${row.recordNumber} ${name}`).toBe(cell);
        }
      });
    });
    // The options as a job stores them.
    expect(body.options).toMatchObject({
      phoneRegion: 'US',
      timeZone: 'UTC',
      dialect: { encoding: 'utf-8', delimiter: ',', delimiterSource: 'detected' },
    });
  });

  it('shows only the rows asked for, and says the file goes on', async () => {
    const { status, body } = await preview(SAMPLE, '?rows=2');
    expect(status).toBe(200);
    expect(body.rows.map((r) => r.recordNumber)).toEqual([2, 3]);
    expect(body.truncated).toBe(true);
  });

  it('follows a type override, a rename, required and the phone region', async () => {
    const columns = JSON.stringify({
      email: { required: true, rename: 'mail' },
      phone: 'text',
      employer: { rename: 'company' },
    });
    const form = new FormData();
    form.set('columns', columns);
    form.set('phoneRegion', 'GB');
    form.set('rows', '3');
    form.set('file', new Blob([SAMPLE], { type: 'text/csv' }), 'contacts.csv');
    const { status, body } = await preview(form, '', { contentType: '' });
    expect(status, JSON.stringify(body)).toBe(200);
    const col = (name: string) => body.columns.find((c) => c.name === name)!;
    expect(col('phone')).toMatchObject({ type: 'text', source: 'request', confidence: 1 });
    expect(col('email')).toMatchObject({ outputName: 'mail', required: true, type: 'email' });
    expect(col('employer').outputName).toBe('company');
    expect(body.options.phoneRegion).toBe('GB');
    // As text, the phone is kept as written (normalized as a phone, it would be +12025550143).
    expect(body.rows[0]!.normalized![2]).toBe('(202) 555-0143');
    expect(body.rows).toHaveLength(3);
  });

  it('rejects a row whose required column is empty', async () => {
    const csv = 'email,name\nann@example.com,Ann\n,Bob\n';
    const { body } = await preview(
      csv,
      `?columns=${encodeURIComponent('{"email":{"required":true}}')}`,
    );
    expect(
      body.rows.map((r) => [r.rejected, r.errors.map((e) => `${e.column}:${e.code}`)]),
    ).toEqual([
      [false, []],
      [true, ['email:required']],
    ]);
  });
});

describe('a large body', () => {
  it('is answered after a bounded prefix, while the client still holds back the rest', async () => {
    // Wide rows (8 KB each): the 1 MiB bound stops reading before 200 rows.
    const line = Buffer.from(
      `Jane Doe,jane@example.com,+1 202 555 0143,1990-07-04,US,${'n'.repeat(8000)}\n`,
    );
    const total = 50 * 1024 * 1024;
    const head = Buffer.from('name,email,phone,birth_date,country,note\n');
    let answered!: () => void;
    const answer = new Promise<void>((resolve) => {
      answered = resolve;
    });
    let sent = 0;
    let held = false;
    const piece = Buffer.concat(Array.from({ length: 16 }, () => line));
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent === 0) {
          controller.enqueue(head);
          sent += head.length;
          return;
        }
        // After 2 MiB, nothing more until the answer has arrived: a server
        // that read the whole body before answering would never answer.
        if (sent >= 2 * 1024 * 1024 && !held) {
          held = true;
          await answer;
        }
        if (sent >= total) {
          controller.close();
          return;
        }
        controller.enqueue(piece);
        sent += piece.length;
      },
    });
    const res = await fetch(`${stack.apiUrl}/v1/previews?rows=200`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body,
      duplex: 'half',
    } as RequestInit);
    const sentWhenAnswered = sent;
    answered();
    const preview200 = JSON.parse(await res.text()) as Preview;
    expect(res.status).toBe(200);
    expect(sentWhenAnswered).toBeLessThan(total);
    expect(preview200.truncated).toBe(true);
    // Reading stops at the first piece of the body past 1 MiB.
    expect(preview200.sample.bytes).toBeGreaterThanOrEqual(1024 * 1024);
    expect(preview200.sample.bytes).toBeLessThan(1024 * 1024 + 128 * 1024);
    expect(preview200.rows.length).toBeGreaterThan(100);
    expect(preview200.rows.length).toBeLessThan(200);
    expect(preview200.columns.map((c) => c.type)).toEqual([
      'name',
      'email',
      'phone',
      'date',
      'country',
      'text',
    ]);
    // Answered, fetch (undici) stops sending and closes the connection; the
    // API discards whatever arrives until then, and is still there. (Its
    // memory is not asserted here: an RSS delta moves with GC and allocator
    // timing, 48 MB once on an idle machine; that the body is not buffered
    // is what the held-back stream above proves: the answer came first.)
    expect((await fetch(`${stack.apiUrl}/health/live`)).status).toBe(200);
  });
});

describe('a large multipart file part', () => {
  it('is answered from its start, and the API keeps serving', async () => {
    const line = 'Jane Doe,jane@example.com,+1 202 555 0143\n';
    const file = `name,email,phone\n${line.repeat(Math.ceil((10 * 1024 * 1024) / line.length))}`;
    const form = new FormData();
    form.set('rows', '3');
    form.set('file', new Blob([file], { type: 'text/csv' }), 'big.csv');
    const { status, body } = await preview(form, '', { contentType: '' });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.rows).toHaveLength(3);
    expect(body.truncated).toBe(true);
    expect(body.sample.bytes).toBeLessThan(1024 * 1024 + 128 * 1024);
    expect((await preview(SAMPLE, '?rows=1')).status).toBe(200);
  });
});

describe('an import preview', () => {
  const declaration = {
    name: 'preview_people',
    columns: [
      { name: 'email', type: 'email', required: true },
      { name: 'full_name', type: 'name' },
      { name: 'phone', type: 'phone', required: true },
      { name: 'note', type: 'text' },
    ],
    key: ['email'],
  };

  beforeAll(async () => {
    expect((await postJson('/v1/datasets', declaration)).status).toBe(201);
  });

  it('maps the file columns onto the dataset, flagging its key and required columns', async () => {
    const csv = 'Email,Name,Phone,Extra\nann@example.com,ann lee,+44 20 7946 0958,hello there\n';
    const columns = encodeURIComponent(JSON.stringify({ Name: { rename: 'full_name' } }));
    const { status, body } = await preview(csv, `?dataset=preview_people&columns=${columns}`);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.type).toBe('import');
    expect(body.dataset).toBe('preview_people');
    expect(body.columns.map((c) => [c.name, c.datasetColumn, c.key, c.required, c.type])).toEqual([
      ['Email', 'email', true, true, 'email'],
      ['Name', 'full_name', false, false, 'name'],
      ['Phone', 'phone', false, true, 'phone'],
      ['Extra', null, false, false, 'text'],
    ]);
    expect(body.datasetColumns).toEqual([
      { name: 'email', type: 'email', required: true, key: true, column: 'Email' },
      { name: 'full_name', type: 'name', required: false, key: false, column: 'Name' },
      { name: 'phone', type: 'phone', required: true, key: false, column: 'Phone' },
      { name: 'note', type: 'text', required: false, key: false, column: null },
    ]);
    expect(body.rows[0]!.normalized).toEqual([
      'ann@example.com',
      'Ann Lee',
      '+442079460958',
      'hello there',
    ]);
  });

  it('refuses a file without a column the dataset requires', async () => {
    const { status, body } = await preview(
      'Email,Name\nann@example.com,Ann\n',
      '?dataset=preview_people',
    );
    expect(status).toBe(400);
    expect(body.code).toBe('missing_dataset_column');
  });

  it("is 404 dataset_not_found for another tenant's dataset", async () => {
    const csv = 'Email,Phone\nann@example.com,+44 20 7946 0958\n';
    const { status, body } = await preview(csv, '?dataset=preview_people', { key: other });
    expect(status).toBe(404);
    expect(body.code).toBe('dataset_not_found');
  });

  it('needs datasets:read besides jobs:write', async () => {
    const writer = (await issueTestKey(inject('databaseUrl'), 'e2e-previews', ['jobs:write'])).key;
    const csv = 'Email,Phone\nann@example.com,+44 20 7946 0958\n';
    const imported = await preview(csv, '?dataset=preview_people', { key: writer });
    expect(imported.status).toBe(403);
    expect(imported.body.code).toBe('insufficient_scope');
    expect((await preview(csv, '', { key: writer })).status).toBe(200);
    const reader = (await issueTestKey(inject('databaseUrl'), 'e2e-previews', ['jobs:read'])).key;
    expect((await preview(csv, '', { key: reader })).body.code).toBe('insufficient_scope');
  });
});

describe('bad files and options', () => {
  it.each([
    ['an empty file', '', 'empty_file'],
    ['a header without rows', 'email,name\n', 'no_rows'],
    ['a first line of data', 'ann@example.com,Ann\nbob@example.com,Bob\n', 'missing_header'],
    ['a duplicate column', 'email,Email\na,b\n', 'duplicate_column'],
    [
      'a binary file',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1]),
      'not_csv',
    ],
    [
      'a broken workbook',
      Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 1, 2, 3]),
      'invalid_workbook',
    ],
  ])('%s is the problem a job gets', async (_name, csv, code) => {
    const { status, body } = await preview(csv);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(body.code).toBe(code);
  });

  it.each([
    ['?rows=0', 'invalid_option'],
    ['?rows=201', 'invalid_option'],
    ['?phoneRegion=XX', 'invalid_option'],
    [`?columns=${encodeURIComponent('{"nope":"email"}')}`, 'unknown_column'],
    ['?dataset=no_such_dataset', 'dataset_not_found'],
  ])('%s is %s', async (query, code) => {
    const { body } = await preview('email,name\nann@example.com,Ann\n', query);
    expect(body.code).toBe(code);
  });

  it('stores nothing: no job appears', async () => {
    const jobs = await fetch(`${stack.apiUrl}/v1/jobs`);
    expect(await jobs.json()).toEqual([]);
  });
});
