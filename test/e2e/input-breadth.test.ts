import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { parseRecords } from '@sluice/csv';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getText, type JobBody, submitCsv, waitForJob } from '../support/client.ts';
import { type Stack, startStack } from '../support/stack.ts';

// Input breadth: a gzip-compressed file (.csv.gz) given as the file itself,
// without Content-Encoding, read like the plain CSV; title lines above the
// header skipped with row numbers kept; files without a header given
// generated column names (detected, or forced with header=true|false);
// single-quoted files; Excel workbooks (.xlsx) read as the CSV of one
// sheet. Each through the HTTP API on the real stack.

const SAMPLE = readFileSync(new URL('../fixtures/contacts-sample.csv', import.meta.url));
const workbookFixture = (name: string) =>
  readFileSync(new URL(`../fixtures/workbooks/${name}`, import.meta.url));
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const DATASET_COLUMNS = [
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

type JobView = JobBody & {
  options: { dialect: Record<string, unknown> };
  import?: { rowsInserted: number; rowsUpdated: number };
};

let stack: Stack;
let plain: JobBody;
let plainResult: string;

beforeAll(async () => {
  stack = await startStack({ queuePrefix: '{e2e-input-breadth}' });
  plain = await waitForJob(stack.apiUrl, (await submitCsv(stack.apiUrl, SAMPLE)).id);
  plainResult = (await getText(plain.links.result)).body;
});

afterAll(async () => {
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

function post(
  body: string | Uint8Array | FormData,
  headers: Record<string, string> = {},
  query = '',
) {
  return fetch(`${stack.apiUrl}/v1/jobs${query}`, { method: 'POST', headers, body });
}

async function accepted(res: Response): Promise<JobView> {
  const text = await res.text();
  expect(res.status, text).toBe(202);
  const job = await waitForJob(stack.apiUrl, (JSON.parse(text) as JobBody).id);
  const view = await fetch(job.links.self);
  return (await view.json()) as JobView;
}

async function expectProblem(res: Response, status: number, code: string) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(JSON.parse(text)).toMatchObject({ status, code });
  return JSON.parse(text) as { detail: string };
}

function fileForm(file: Uint8Array, name: string, fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  form.append('file', new Blob([file], { type: 'application/octet-stream' }), name);
  return form;
}

async function errorsOf(job: JobBody): Promise<Array<{ recordNumber: number; code: string }>> {
  const res = await fetch(`${job.links.self}/errors?limit=100`);
  return (await res.json()) as Array<{ recordNumber: number; code: string }>;
}

/** A new dataset of the sample's columns, `body` imported into it: the job and the rows it holds. */
async function importRows(name: string, body: Uint8Array, query = '') {
  const created = await fetch(`${stack.apiUrl}/v1/datasets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, columns: DATASET_COLUMNS, key: ['email'] }),
  });
  expect(created.status, await created.text()).toBe(201);
  const job = await accepted(
    await post(body, { 'content-type': 'text/csv' }, `?type=import&dataset=${name}${query}`),
  );
  expect(job.status).toBe('completed');
  const rows = await fetch(`${stack.apiUrl}/v1/datasets/${name}/rows?limit=1000`);
  return { job, rows: (await rows.json()) as unknown[] };
}

describe('gzip-compressed files (.csv.gz), without Content-Encoding', () => {
  it('a raw text/csv body with a .csv.gz name gives the plain CSV result byte for byte', async () => {
    const job = await accepted(
      await post(gzipSync(SAMPLE), { 'content-type': 'text/csv' }, '?filename=contacts.csv.gz'),
    );
    expect(job.status).toBe('completed');
    expect(job.options.dialect.container).toBe('gzip');
    expect(job.counts).toEqual(plain.counts);
    expect((await getText(job.links.result)).body).toBe(plainResult);
  });

  it('a multipart file part, recognized by its magic bytes whatever its name', async () => {
    for (const name of ['contacts.csv.gz', 'contacts.csv']) {
      const job = await accepted(await post(fileForm(gzipSync(SAMPLE), name)));
      expect(job.fileName).toBe(name);
      expect(job.options.dialect.container).toBe('gzip');
      expect((await getText(job.links.result)).body).toBe(plainResult);
    }
  });

  it('a gzip file inside a gzip Content-Encoding is decoded twice', async () => {
    const job = await accepted(
      await post(gzipSync(gzipSync(SAMPLE)), {
        'content-type': 'text/csv',
        'content-encoding': 'gzip',
      }),
    );
    expect((await getText(job.links.result)).body).toBe(plainResult);
  });

  it('an import from the .csv.gz leaves the same dataset contents as from the plain CSV', async () => {
    const fromCsv = await importRows('from_csv', SAMPLE);
    const fromGzip = await importRows('from_gzip', gzipSync(SAMPLE));
    expect(fromGzip.job.import).toEqual(fromCsv.job.import);
    expect(fromGzip.rows).toEqual(fromCsv.rows);
    expect((fromCsv.rows as unknown[]).length).toBeGreaterThan(0);
  });

  it('400 malformed_compression for a corrupt or cut .csv.gz', async () => {
    const cut = gzipSync(SAMPLE).subarray(0, 100);
    const problem = await expectProblem(
      await post(fileForm(cut, 'contacts.csv.gz')),
      400,
      'malformed_compression',
    );
    expect(problem.detail).toMatch(/file .*not valid gzip/);
    const corrupt = Buffer.from(gzipSync(SAMPLE));
    corrupt.fill(0x55, 20, 60);
    await expectProblem(
      await post(corrupt, { 'content-type': 'text/csv' }),
      400,
      'malformed_compression',
    );
  });

  it('413 excessive_compression for a .csv.gz that expands like a zip bomb', async () => {
    const bomb = gzipSync(Buffer.from(`a,b\n${'0,0\n'.repeat((7 * 1024 * 1024) / 4)}`), {
      level: 9,
    });
    await expectProblem(await post(fileForm(bomb, 'bomb.csv.gz')), 413, 'excessive_compression');
  });
});

describe('header row and quote detection', () => {
  it('skips title lines above the header and keeps the file lines as row numbers', async () => {
    const csv =
      'Export of 2026-11-30\n\nname,email,amount\nAnn,ann@example.com,12\nBob,not-an-email,13\nCy,cy@example.com,14\n';
    const columns = encodeURIComponent(
      JSON.stringify({ email: { type: 'email', required: true } }),
    );
    const job = await accepted(
      await post(csv, { 'content-type': 'text/csv' }, `?columns=${columns}`),
    );
    expect(job.options.dialect).toMatchObject({ skippedLines: 2, hasHeader: true });
    expect(job.columns.map((c) => c.name)).toEqual(['name', 'email', 'amount']);
    expect(job.counts).toMatchObject({ rowsTotal: 3, rowsAccepted: 2, rowsRejected: 1 });
    // "Bob" is on line 5 of the file.
    expect(await errorsOf(job)).toEqual([expect.objectContaining({ recordNumber: 5 })]);
    const [header] = (await getText(job.links.result)).body.split('\n');
    expect(header).toBe('name,email,amount');
  });

  it('a spreadsheet title (Title,,,) above the header is skipped too', async () => {
    const csv =
      'Customers,,\n,,\nname,email,amount\nAnn,ann@example.com,12\nBob,bob@example.com,13\n';
    const job = await accepted(await post(csv, { 'content-type': 'text/csv' }));
    expect(job.options.dialect.skippedLines).toBe(2);
    expect(job.counts.rowsAccepted).toBe(2);
  });

  it('a file without a header gets generated column names, its first line a row', async () => {
    const csv =
      'ann@example.com,12,2026-01-02\nbob@example.com,13,2026-01-03\ncy@example.com,14,2026-01-04\n';
    const job = await accepted(await post(csv, { 'content-type': 'text/csv' }));
    expect(job.options.dialect).toMatchObject({ hasHeader: false, headerSource: 'detected' });
    expect(job.columns.map((c) => c.name)).toEqual(['column_1', 'column_2', 'column_3']);
    expect(job.columns.map((c) => c.type)).toEqual(['email', 'integer', 'date']);
    expect(job.counts.rowsAccepted).toBe(3);
    const lines = (await getText(job.links.result)).body.trim().split('\n');
    expect(lines[0]).toBe('column_1,column_2,column_3');
    expect(lines[1]).toMatch(/^ann@example\.com,12,2026-01-02/);
  });

  it('a normal header is never taken for data, and header=false|true force the reading', async () => {
    const csv = 'name,email\nAnn,ann@example.com\nBob,bob@example.com\n';
    const detected = await accepted(await post(csv, { 'content-type': 'text/csv' }));
    expect(detected.options.dialect).toMatchObject({ hasHeader: true, headerSource: 'detected' });
    expect(detected.counts.rowsTotal).toBe(2);

    const forcedOff = await accepted(
      await post(csv, { 'content-type': 'text/csv' }, '?header=false'),
    );
    expect(forcedOff.options.dialect).toMatchObject({ hasHeader: false, headerSource: 'request' });
    expect(forcedOff.columns.map((c) => c.name)).toEqual(['column_1', 'column_2']);
    expect(forcedOff.counts.rowsTotal).toBe(3);

    // A header of years over numbers: refused as data unless header=true says otherwise.
    const years = 'region,2025,2026\nnorth,1,2\nsouth,3,4\n';
    const refused = await expectProblem(
      await post(years, { 'content-type': 'text/csv' }),
      400,
      'missing_header',
    );
    expect(refused.detail).toMatch(/header=true/);
    const forcedOn = await accepted(
      await post(years, { 'content-type': 'text/csv' }, '?header=true'),
    );
    expect(forcedOn.columns.map((c) => c.name)).toEqual(['region', '2025', '2026']);
    expect(forcedOn.counts.rowsAccepted).toBe(2);

    await expectProblem(
      await post(csv, { 'content-type': 'text/csv' }, '?header=maybe'),
      400,
      'invalid_option',
    );
  });

  it("reads a file quoted with single quotes ('a, b'), detected or given", async () => {
    const csv = "name,city\n'Doe, Jane','Paris, FR'\n'Roe, Rick','Lyon, FR'\n";
    const job = await accepted(await post(csv, { 'content-type': 'text/csv' }));
    expect(job.options.dialect).toMatchObject({ quote: "'", quoteSource: 'detected' });
    expect(job.counts).toMatchObject({ rowsAccepted: 2, rowsRejected: 0 });
    expect((await getText(job.links.result)).body).toContain('Paris, FR');

    // Apostrophes in a double-quoted or unquoted file change nothing.
    const normal = await accepted(
      await post(`name,note\n"O'Hara",'90s hits\nDoe,it's fine\n`, { 'content-type': 'text/csv' }),
    );
    expect(normal.options.dialect).toMatchObject({ quote: '"', quoteSource: 'default' });
    expect(normal.counts.rowsAccepted).toBe(2);

    const given = await accepted(
      await post("a,b\n'x,y',z\n", { 'content-type': 'text/csv' }, '?quote=single'),
    );
    expect(given.options.dialect).toMatchObject({ quote: "'", quoteSource: 'request' });
    expect(given.counts.rowsAccepted).toBe(1);
  });
});

/** The sample's cells as a workbook's strings, as Excel writes it (parts after the sheets). */
async function sampleWorkbook(): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('Cover').addRow(['not this one']);
  const sheet = wb.addWorksheet('Contacts');
  for (const record of parseRecords(SAMPLE.toString('utf8'), { maxFields: 100 })) {
    if ('fields' in record) sheet.addRow(record.fields);
  }
  // The first sheet of the workbook is the cover: the sample is asked for by name.
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

describe('Excel workbooks (.xlsx)', () => {
  it('a sheet of the sample gives the plain CSV result byte for byte, as a file or a raw body', async () => {
    const xlsx = await sampleWorkbook();
    const asFile = await accepted(
      await post(fileForm(xlsx, 'contacts.xlsx', { sheet: 'Contacts' })),
    );
    expect(asFile.options.dialect).toMatchObject({ container: 'xlsx', sheet: 'Contacts' });
    expect(asFile.counts).toEqual({ ...plain.counts, bytes: asFile.counts.bytes });
    expect((await getText(asFile.links.result)).body).toBe(plainResult);

    const asBody = await accepted(
      await post(xlsx, { 'content-type': XLSX_TYPE }, '?sheet=Contacts&filename=contacts.xlsx'),
    );
    expect((await getText(asBody.links.result)).body).toBe(plainResult);
  });

  it('an import from the workbook leaves the same dataset contents as from the plain CSV', async () => {
    const fromCsv = await importRows('xlsx_from_csv', SAMPLE);
    const fromXlsx = await importRows('xlsx_from_xlsx', await sampleWorkbook(), '&sheet=Contacts');
    expect(fromXlsx.job.import).toEqual(fromCsv.job.import);
    expect(fromXlsx.rows).toEqual(fromCsv.rows);
  });

  it('typed cells (dates, numbers) read as the CSV of their ISO dates and numbers, whatever the part order', async () => {
    const csv = 'name,joined,amount\nAnn,2026-01-02,12.5\nBob,2025-12-31,3\n';
    const fromCsv = await accepted(await post(csv, { 'content-type': 'text/csv' }));
    const expected = (await getText(fromCsv.links.result)).body;
    // Parts before the sheets (streamed straight through) and Excel's order (sheets spooled).
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Contacts');
    ws.addRow(['name', 'joined', 'amount']);
    ws.addRow(['Ann', new Date(Date.UTC(2026, 0, 2)), 12.5]);
    ws.addRow(['Bob', new Date(Date.UTC(2025, 11, 31)), 3]);
    const excelOrder = new Uint8Array(await wb.xlsx.writeBuffer());
    for (const xlsx of [workbookFixture('parts-before-sheets.xlsx'), excelOrder]) {
      const job = await accepted(await post(fileForm(xlsx, 'contacts.xlsx')));
      expect(job.options.dialect).toMatchObject({ container: 'xlsx', sheet: 'Contacts' });
      expect(job.columns.map((c) => c.type)).toEqual(fromCsv.columns.map((c) => c.type));
      expect((await getText(job.links.result)).body).toBe(expected);
    }
  });

  it('title rows above the header are skipped with row numbers = sheet rows', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('S');
    ws.getCell('A1').value = 'Export of 2026-11-30';
    ws.getRow(3).values = ['name', 'email'];
    ws.getRow(4).values = ['Ann', 'ann@example.com'];
    ws.getRow(5).values = ['Bob', 'not an email'];
    const columns = encodeURIComponent(
      JSON.stringify({ email: { type: 'email', required: true } }),
    );
    const job = await accepted(
      await post(
        fileForm(new Uint8Array(await wb.xlsx.writeBuffer()), 's.xlsx'),
        {},
        `?columns=${columns}`,
      ),
    );
    expect(job.options.dialect.skippedLines).toBe(2);
    expect(job.counts).toMatchObject({ rowsAccepted: 1, rowsRejected: 1 });
    expect(await errorsOf(job)).toEqual([expect.objectContaining({ recordNumber: 5 })]);
  });

  it('a preview reads a workbook and a .csv.gz as a job would', async () => {
    const previewOf = async (form: FormData) => {
      const res = await fetch(`${stack.apiUrl}/v1/previews?rows=2`, { method: 'POST', body: form });
      const text = await res.text();
      expect(res.status, text).toBe(200);
      return JSON.parse(text) as {
        header: string[];
        rows: Array<{ recordNumber: number; raw: string[] }>;
        options: { dialect: Record<string, unknown> };
      };
    };
    const fromXlsx = await previewOf(
      fileForm(await sampleWorkbook(), 'c.xlsx', { sheet: 'Contacts' }),
    );
    const fromGzip = await previewOf(fileForm(gzipSync(SAMPLE), 'c.csv.gz'));
    expect(fromXlsx.options.dialect).toMatchObject({ container: 'xlsx', sheet: 'Contacts' });
    expect(fromGzip.options.dialect).toMatchObject({ container: 'gzip' });
    expect(fromXlsx.header).toEqual(fromGzip.header);
    expect(fromXlsx.rows).toEqual(fromGzip.rows);
    expect(fromXlsx.rows.map((r) => r.recordNumber)).toEqual([2, 3]);
  });

  it('refuses bad workbooks with problems: corrupt, no such sheet, a zip bomb; nothing crashes', async () => {
    const xlsx = await sampleWorkbook();
    const cut = await expectProblem(
      await post(fileForm(xlsx.subarray(0, 2000), 'cut.xlsx')),
      400,
      'invalid_workbook',
    );
    expect(cut.detail).toMatch(/Excel workbook/);
    const missing = await expectProblem(
      await post(fileForm(xlsx, 'contacts.xlsx', { sheet: 'Nope' })),
      400,
      'sheet_not_found',
    );
    expect(missing).toMatchObject({ sheets: ['Cover', 'Contacts'] });
    await expectProblem(
      await post(fileForm(workbookFixture('bomb.xlsx'), 'bomb.xlsx')),
      413,
      'excessive_compression',
    );
    await expectProblem(
      await post(SAMPLE, { 'content-type': 'text/csv' }, '?sheet=Contacts'),
      400,
      'invalid_option',
    );
    // A ZIP archive named as something else is still not CSV.
    await expectProblem(await post(fileForm(xlsx, 'archive.zip')), 400, 'not_csv');
    // The API is still there.
    expect((await fetch(`${stack.apiUrl}/health/live`)).status).toBe(200);
  });
});
