// Validation rules through the HTTP API: rules in a job's `columns` option
// and on a dataset's columns, every rule error code in errors.csv, enum
// values written in their canonical spelling (result.csv and the dataset),
// required/optional semantics (a failed optional value is emptied, a failed
// required one or a `requiredWhen` rejects the row), and bad declarations
// refused with problem+json.

import { parseRecords } from '@sluice/csv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getText, type JobBody, submitCsv, waitForJob } from '../support/client.ts';
import { type Stack, startStack } from '../support/stack.ts';

type RuledJob = Omit<JobBody, 'columns'> & {
  columns: Array<{ name: string; type: string; rules?: unknown[] }>;
};

const records = (csv: string) =>
  parseRecords(csv, { maxFields: 100 }).map((r) => {
    if ('error' in r) throw new Error(r.error.message);
    return r.fields;
  });

let stack: Stack;

async function api(path: string, init?: RequestInit) {
  const res = await fetch(`${stack.apiUrl}${path}`, init);
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    body: text ? JSON.parse(text) : undefined,
  };
}

const postCsv = (query: string, csv: string) =>
  api(`/v1/jobs?${query}`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });

const postJson = (path: string, body: unknown) =>
  api(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const columnsQuery = (columns: unknown) => `columns=${encodeURIComponent(JSON.stringify(columns))}`;

/** errors.csv as [row, column, code] triples. */
async function errorTriples(job: JobBody): Promise<string[][]> {
  const res = await getText(job.links.errors);
  expect(res.status).toBe(200);
  const [header, ...rows] = records(res.body);
  expect(header).toEqual(['row', 'column', 'value', 'code', 'message']);
  return rows.map((r) => [r[0]!, r[1]!, r[3]!]);
}

beforeAll(async () => {
  // Small chunks: the file's rows spread over several chunks.
  stack = await startStack({ queuePrefix: '{e2e-validation-rules}', env: { CHUNK_BYTES: '256' } });
});

afterAll(async () => {
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

const ORDER_LINES = [
  'SKU,Tier,Qty,Title,Start,End,Country,Region',
  'ABC-123,gold,5,Widget,2024-01-01,2024-01-02,US,CA', // 2: valid; tier Gold
  'abc-123,AU,5,Widget,2024-01-01,2024-01-02,FR,', // 3: pattern_mismatch; AU -> Gold
  'ABC-124,Bronze,5,Widget,2024-01-01,2024-01-02,FR,', // 4: not_in_enum
  'ABC-125,Silver,0,Widget,2024-01-01,2024-01-02,FR,', // 5: below_min (Qty required: rejected)
  'ABC-126,silver,101,Widget,2024-01-01,2024-01-02,FR,', // 6: above_max (rejected)
  'ABC-127,GOLD,5,W,2024-01-01,2024-01-02,FR,', // 7: too_short
  'ABC-128,Gold,5,Widget Deluxe,2024-01-01,2024-01-02,FR,', // 8: too_long
  'ABC-129,Gold,5,Widget,2024-02-01,2024-01-01,FR,', // 9: rule_failed (End < Start)
  'ABC-130,Gold,5,Widget,2024-01-01,2024-01-02,United States,', // 10: rule_failed (Region), rejected
  'ABC-131,Gold,,Widget,2024-01-01,2024-01-02,FR,', // 11: required (as always)
  'ABC-132,gold,7,Widget,2024-01-01,,FR,', // 12: empty optional values: no rule runs
];

const ORDER_RULES = {
  SKU: { rules: { pattern: '[A-Z]{3}-\\d{3}' } },
  Tier: { rules: { enum: ['Gold', 'Silver'], synonyms: { au: 'Gold', ag: 'Silver' } } },
  Qty: { type: 'integer', required: true, rules: { min: 1, max: 100 } },
  Title: { rules: { minLength: 2, maxLength: 10 } },
  Start: 'date',
  // Other columns are named case-insensitively, as in `columns`.
  End: { type: 'date', rules: { compare: [{ op: '>=', column: 'start' }] } },
  Country: 'country',
  Region: { rules: { requiredWhen: { column: 'Country', in: ['US'] } } },
};

describe("rules in a job's columns option", () => {
  let job: RuledJob;

  beforeAll(async () => {
    const submitted = await submitCsv(
      stack.apiUrl,
      `${ORDER_LINES.join('\n')}\n`,
      `?${columnsQuery(ORDER_RULES)}`,
    );
    job = (await waitForJob(stack.apiUrl, submitted.id)) as RuledJob;
  });

  it("completes over several chunks and shows each column's rules", () => {
    expect(job.status, job.error ?? '').toBe('completed');
    expect(job.progress.chunksTotal).toBeGreaterThan(1);
    expect(job.columns.find((c) => c.name === 'Qty')?.rules).toEqual([{ min: 1, max: 100 }]);
    expect(job.columns.find((c) => c.name === 'Start')?.rules).toBeUndefined();
    expect(job.counts).toMatchObject({ rowsTotal: 11, rowsAccepted: 7, rowsRejected: 4 });
  });

  it('reports every rule error code on its row and column', async () => {
    expect(await errorTriples(job)).toEqual([
      ['3', 'SKU', 'pattern_mismatch'],
      ['4', 'Tier', 'not_in_enum'],
      ['5', 'Qty', 'below_min'],
      ['6', 'Qty', 'above_max'],
      ['7', 'Title', 'too_short'],
      ['8', 'Title', 'too_long'],
      ['9', 'End', 'rule_failed'],
      ['10', 'Region', 'rule_failed'],
      ['11', 'Qty', 'required'],
    ]);
    const summary = await api(`/v1/jobs/${job.id}/errors/summary`);
    expect(summary.status).toBe(200);
    expect(summary.body.errors).toBe(9);
  });

  it('writes enum values in their canonical spelling and empties failed optional values', async () => {
    const res = await getText(job.links.result);
    expect(res.status).toBe(200);
    expect(records(res.body)).toEqual([
      ['SKU', 'Tier', 'Qty', 'Title', 'Start', 'End', 'Country', 'Region'],
      ['ABC-123', 'Gold', '5', 'Widget', '2024-01-01', '2024-01-02', 'US', 'CA'],
      ['', 'Gold', '5', 'Widget', '2024-01-01', '2024-01-02', 'FR', ''],
      ['ABC-124', '', '5', 'Widget', '2024-01-01', '2024-01-02', 'FR', ''],
      ['ABC-127', 'Gold', '5', '', '2024-01-01', '2024-01-02', 'FR', ''],
      ['ABC-128', 'Gold', '5', '', '2024-01-01', '2024-01-02', 'FR', ''],
      ['ABC-129', 'Gold', '5', 'Widget', '2024-02-01', '', 'FR', ''],
      ['ABC-132', 'Gold', '7', 'Widget', '2024-01-01', '', 'FR', ''],
    ]);
  });
});

/** 40 rows of Id,Email, several per chunk; some emails repeat, in other chunks, in other case. */
function peopleFile(): { csv: string; duplicates: Array<[string, string, string]> } {
  const lines = ['Id,Email'];
  const duplicates: Array<[string, string, string]> = [];
  const firstRow = new Map<string, number>();
  for (let i = 0; i < 40; i++) {
    // Rows 12, 25 and 38 repeat row 3's address (written in upper case: the
    // same once normalized); row 30 repeats row 21's.
    const email = [10, 23, 36].includes(i)
      ? 'P1@EXAMPLE.COM'
      : i === 28
        ? 'p19@example.com'
        : `p${i}@example.com`;
    const row = i + 2;
    const key = email.toLowerCase();
    const first = firstRow.get(key);
    if (first === undefined) firstRow.set(key, row);
    else duplicates.push([String(row), 'Email', `already occurs in row ${first};`]);
    lines.push(`${i},${email}`);
  }
  return { csv: `${lines.join('\n')}\n`, duplicates };
}

describe('unique within the file, across chunks', () => {
  const { csv, duplicates } = peopleFile();

  it('reports each later row with the first row, and counts them in the job and its summary', async () => {
    const submitted = await submitCsv(
      stack.apiUrl,
      csv,
      `?${columnsQuery({ Email: { type: 'email', rules: { unique: true } } })}`,
    );
    const job = await waitForJob(stack.apiUrl, submitted.id);
    expect(job.status, job.error ?? '').toBe('completed');
    // About 20 bytes a row in 256-byte chunks: rows 3, 25 and 38 are in three chunks.
    expect(job.progress.chunksTotal).toBeGreaterThanOrEqual(3);
    expect(duplicates.map(([row]) => row)).toEqual(['12', '25', '30', '38']);
    const res = await getText(job.links.errors);
    const [, ...errors] = records(res.body);
    expect(errors.map((e) => [e[0], e[1], e[3]])).toEqual(
      duplicates.map(([row, column]) => [row, column, 'duplicate_in_file']),
    );
    errors.forEach((e, i) => {
      expect(e[2]).toBe(i === 2 ? 'p19@example.com' : 'P1@EXAMPLE.COM');
      expect(e[4]).toContain(duplicates[i]![2]);
    });
    expect(errors[0]![4]).toContain('row 3;');
    // The rows stay accepted; the errors count like any other.
    expect(job.counts).toMatchObject({ rowsAccepted: 40, rowsRejected: 0, errors: 4 });
    const summary = await api(`/v1/jobs/${job.id}/errors/summary`);
    expect(summary.body).toMatchObject({ errors: 4, exact: true });
    expect(summary.body.columns).toEqual([
      { column: 'Email', errors: 4, codes: [{ code: 'duplicate_in_file', errors: 4 }] },
    ]);
    const filtered = await api(`/v1/jobs/${job.id}/errors?code=duplicate_in_file&limit=10`);
    expect(filtered.status).toBe(200);
  });

  it('does the same for an import into a dataset whose column is unique', async () => {
    const created = await postJson('/v1/datasets', {
      name: 'ruled_people',
      columns: [
        { name: 'id', type: 'integer' },
        { name: 'email', type: 'email', rules: { unique: true } },
      ],
      key: ['id'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const submitted = await submitCsv(stack.apiUrl, csv, '?type=import&dataset=ruled_people');
    const job = await waitForJob(stack.apiUrl, submitted.id);
    expect(job.status, job.error ?? '').toBe('completed');
    const [, ...errors] = records((await getText(job.links.errors)).body);
    expect(errors.map((e) => [e[0], e[1], e[3]])).toEqual(
      duplicates.map(([row, column]) => [row, column, 'duplicate_in_file']),
    );
    expect(job.counts).toMatchObject({ rowsAccepted: 40, errors: 4 });
  });
});

describe('a preview with rules', () => {
  it('shows the rule errors and canonical values a job would make', async () => {
    const res = await api(`/v1/previews?${columnsQuery(ORDER_RULES)}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: `${ORDER_LINES.slice(0, 5).join('\n')}\n`,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const rows = res.body.rows as Array<{
      normalized: string[] | null;
      errors: Array<{ column: string | null; code: string }>;
    }>;
    expect(rows.map((r) => r.errors.map((e) => `${e.column}:${e.code}`))).toEqual([
      [],
      ['SKU:pattern_mismatch'],
      ['Tier:not_in_enum'],
      ['Qty:below_min'],
    ]);
    expect(rows[1]!.normalized?.[1]).toBe('Gold');
  });
});

describe('rules declared on a dataset, with more from the import job', () => {
  const DATASET = 'ruled_orders';
  let job: RuledJob;

  beforeAll(async () => {
    const created = await postJson('/v1/datasets', {
      name: DATASET,
      columns: [
        { name: 'order_id', type: 'text', rules: { pattern: 'ORD-\\d+' } },
        {
          name: 'status',
          type: 'text',
          rules: { enum: ['open', 'shipped'], synonyms: { sent: 'shipped' } },
        },
        { name: 'amount', type: 'number', rules: { min: 0 } },
        { name: 'placed', type: 'date' },
        { name: 'delivered', type: 'date', rules: { compare: [{ op: '>=', column: 'placed' }] } },
        { name: 'country', type: 'country' },
        { name: 'state', type: 'text', rules: { requiredWhen: { column: 'country', in: ['US'] } } },
      ],
      key: ['order_id'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const csv = [
      'Order ID,Status,Amount,Placed,Delivered,Country,State',
      'ORD-1,Open,10,2024-01-01,2024-01-05,US,CA', // 2: valid
      'ORD-2,SENT,20,2024-01-01,2024-01-02,FR,', // 3: synonym -> shipped
      'X-3,open,5,2024-01-01,2024-01-02,FR,', // 4: pattern on the key (required): rejected
      'ORD-4,lost,5,2024-01-01,2024-01-02,FR,', // 5: not_in_enum
      'ORD-5,open,-1,2024-01-01,2024-01-02,FR,', // 6: below_min (dataset rule)
      'ORD-6,open,5000,2024-01-01,2024-01-02,FR,', // 7: above_max (the job's rule)
      'ORD-7,open,5,2024-02-01,2024-01-01,FR,', // 8: rule_failed (delivered < placed)
      'ORD-8,open,5,2024-01-01,2024-01-02,US,', // 9: rule_failed (state), rejected
      '',
    ].join('\n');
    const submitted = await submitCsv(
      stack.apiUrl,
      csv,
      `?type=import&dataset=${DATASET}&${columnsQuery({ Amount: { rules: { max: 1000 } } })}`,
    );
    job = (await waitForJob(stack.apiUrl, submitted.id)) as RuledJob;
  });

  it("shows the dataset's rules, and the job's column with both rule sets", async () => {
    const dataset = await api(`/v1/datasets/${DATASET}`);
    expect(dataset.body.columns).toContainEqual({
      name: 'status',
      type: 'text',
      required: false,
      rules: { enum: ['open', 'shipped'], synonyms: { sent: 'shipped' } },
    });
    expect(job.status, job.error ?? '').toBe('completed');
    expect(job.columns.find((c) => c.name === 'Amount')?.rules).toEqual([
      { min: 0 },
      { max: 1000 },
    ]);
  });

  it('reports each rule failure', async () => {
    expect(await errorTriples(job)).toEqual([
      ['4', 'Order ID', 'pattern_mismatch'],
      ['5', 'Status', 'not_in_enum'],
      ['6', 'Amount', 'below_min'],
      ['7', 'Amount', 'above_max'],
      ['8', 'Delivered', 'rule_failed'],
      ['9', 'State', 'rule_failed'],
    ]);
    expect(job.counts).toMatchObject({ rowsAccepted: 6, rowsRejected: 2 });
  });

  it('imports the canonical enum values, failed optional values as null, rejected rows not at all', async () => {
    const rows = await api(`/v1/datasets/${DATASET}/rows?limit=100`);
    expect(rows.status).toBe(200);
    const view = (rows.body as Array<Record<string, unknown>>).map((r) => [
      r.order_id,
      r.status,
      r.amount === null ? null : Number(r.amount),
      r.delivered,
      r.state,
    ]);
    expect(view).toEqual([
      ['ORD-1', 'open', 10, '2024-01-05', 'CA'],
      ['ORD-2', 'shipped', 20, '2024-01-02', null],
      ['ORD-4', null, 5, '2024-01-02', null],
      ['ORD-5', 'open', null, '2024-01-02', null],
      ['ORD-6', 'open', null, '2024-01-02', null],
      ['ORD-7', 'open', 5, null, null],
    ]);
  });
});

describe('bad rule declarations', () => {
  const dataset = (rules: unknown, extra: unknown[] = []) =>
    postJson('/v1/datasets', {
      name: 'refused_rules',
      columns: [{ name: 'code', type: 'text', rules }, ...extra],
      key: ['code'],
    });

  it.each([
    [{ pattern: '(a+)+$' }, 'invalid_pattern', 'columns[0].rules.pattern'],
    [{ pattern: '[a-' }, 'invalid_pattern', 'columns[0].rules.pattern'],
    [{ pattern: 'a'.repeat(201) }, 'invalid_rule', 'columns[0].rules.pattern'],
    [{ min: 1 }, 'invalid_rule', 'columns[0].rules.min'],
    [{ regex: 'a' }, 'invalid_rule', 'columns[0].rules'],
    [{ enum: ['a'], synonyms: { b: 'c' } }, 'invalid_rule', 'columns[0].rules.synonyms.b'],
    [{ compare: [{ op: '>=', column: 'nope' }] }, 'invalid_rule', 'columns[0].rules.compare[0]'],
    [{ compare: [{ op: '=>', column: 'code' }] }, 'invalid_rule', 'columns[0].rules.compare[0].op'],
  ])('refuses a dataset whose rules are %j (%s)', async (rules, code, field) => {
    const res = await dataset(rules);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code, field });
    expect(res.body.detail).toContain(field);
    // Nothing was created.
    expect((await api('/v1/datasets/refused_rules')).status).toBe(404);
  });

  it('refuses ordered comparisons of columns without an order', async () => {
    const res = await dataset({ compare: [{ op: '<', column: 'day' }] }, [
      { name: 'day', type: 'date' },
    ]);
    expect(res.body).toMatchObject({ code: 'invalid_rule', field: 'columns[0].rules.compare[0]' });
  });

  const CSV = 'SKU,Title\nABC-1,Widget\n';

  it.each([
    [{ SKU: { rules: { pattern: '(\\d*x)*' } } }, 'invalid_pattern', 'columns.SKU.rules.pattern'],
    [{ SKU: { rules: { maxLength: -1 } } }, 'invalid_rule', 'columns.SKU.rules.maxLength'],
    [{ SKU: { type: 'text', rules: { max: 3 } } }, 'invalid_rule', 'columns.SKU.rules.max'],
    // Known only once the file is read: Title's type (text), and its header.
    [{ Title: { rules: { min: 3 } } }, 'invalid_rule', 'columns.Title.rules.min'],
    [
      { Title: { rules: { requiredWhen: { column: 'Color', in: ['red'] } } } },
      'invalid_rule',
      'columns.Title.rules.requiredWhen.column',
    ],
  ])('refuses a job whose columns are %j (%s)', async (columns, code, field) => {
    const res = await postCsv(columnsQuery(columns), CSV);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code, field });
  });

  it('refuses rules on a dropped column', async () => {
    const res = await postCsv(
      columnsQuery({ Title: { drop: true, rules: { minLength: 1 } } }),
      CSV,
    );
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'invalid_option' });
    expect(res.body.detail).toMatch(/cannot also set rules/);
  });
});
