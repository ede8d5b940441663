import { readFileSync } from 'node:fs';
import { parseRecords } from '@sluice/csv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getText, type JobBody, submitCsv, waitForJob } from '../support/client.ts';
import { type Stack, startStack } from '../support/stack.ts';

const SAMPLE = new URL('../fixtures/contacts-sample.csv', import.meta.url);
const EXPECTED = new URL('../fixtures/contacts-sample.expected.csv', import.meta.url);

const rows = (csv: string) =>
  parseRecords(csv, { maxFields: 1000 }).map((r) => {
    if ('error' in r) throw new Error(`unparseable CSV in test: ${r.error.message}`);
    return r.fields;
  });

/** Numbers compare by value (data/README.md): 2500.00 equals 2500. */
const sameCell = (actual: string, expected: string) =>
  actual === expected ||
  (/^-?\d+(\.\d+)?$/.test(actual) &&
    /^-?\d+(\.\d+)?$/.test(expected) &&
    Number(actual) === Number(expected));

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ queuePrefix: '{e2e-normalization}' });
});
afterAll(async () => {
  expect(await stack?.stop()).toEqual([0, 0]);
});

async function run(
  body: Buffer | string,
  query = '',
): Promise<{ job: JobBody; result: string[][]; errors: string[][] }> {
  const job = await waitForJob(stack.apiUrl, (await submitCsv(stack.apiUrl, body, query)).id);
  expect(job.status).toBe('completed');
  return {
    job,
    result: rows((await getText(job.links.result)).body),
    errors: rows((await getText(job.links.errors)).body).slice(1),
  };
}

describe('contacts-sample.csv through the HTTP API', () => {
  it('gives exactly contacts-sample.expected.csv, with every !error cell in the error report', async () => {
    const { job, result, errors } = await run(readFileSync(SAMPLE));
    const expected = rows(readFileSync(EXPECTED, 'utf8'));
    expect(result[0]).toEqual(expected[0]);
    expect(result).toHaveLength(expected.length);
    const reported = new Set(errors.map((e) => `${e[0]}:${e[1]}`));
    const mismatches: string[] = [];
    for (let r = 1; r < expected.length; r++) {
      for (let c = 0; c < expected[0]!.length; c++) {
        const want = expected[r]![c]!;
        const got = result[r]![c]!;
        const column = expected[0]![c]!;
        if (want === '!error') {
          if (got !== '' || !reported.has(`${r + 1}:${column}`))
            mismatches.push(
              `row ${r + 1} ${column}: want empty + error, got ${JSON.stringify(got)}`,
            );
        } else if (!sameCell(got, want)) {
          mismatches.push(
            `row ${r + 1} ${column}: want ${JSON.stringify(want)}, got ${JSON.stringify(got)}`,
          );
        }
      }
    }
    expect(mismatches).toEqual([]);
    // Every reported error is one of the expected !error cells.
    const expectedErrors = new Set(
      expected
        .slice(1)
        .flatMap((row, r) =>
          row.flatMap((cell, c) => (cell === '!error' ? [`${r + 2}:${expected[0]![c]}`] : [])),
        ),
    );
    expect([...reported].sort()).toEqual([...expectedErrors].sort());
    const types = Object.fromEntries(job.columns.map((c) => [c.name, c.type]));
    expect(types).toEqual({
      name: 'name',
      email: 'email',
      phone: 'phone',
      birth_date: 'date',
      country: 'country',
      postal_code: 'postal_code',
      state: 'region',
      employer: 'company',
      balance: 'currency',
      subscribed: 'boolean',
    });
  });
});

describe('dialect detection without options', () => {
  const csv = 'name;city;amount\r\nJosé Müller;Köln;"1.234,50"\r\nZoë;Zürich;12\r\n';

  it('reads UTF-16 LE with BOM', async () => {
    const body = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(csv.replace(/;/g, ','), 'utf16le'),
    ]);
    const { job, result } = await run(body);
    expect(
      (job as unknown as { options: { dialect: { encoding: string } } }).options.dialect.encoding,
    ).toBe('utf-16le');
    expect(result[1]!.slice(0, 2)).toEqual(['José Müller', 'Köln']);
  });

  it('reads Windows-1252', async () => {
    const body = Buffer.from(csv.replace(/;/g, ','), 'latin1');
    const { job, result } = await run(body);
    expect(
      (job as unknown as { options: { dialect: { encoding: string } } }).options.dialect.encoding,
    ).toBe('windows-1252');
    expect(result[2]!.slice(0, 2)).toEqual(['Zoë', 'Zürich']);
  });

  it('reads semicolon-separated values', async () => {
    const { job, result } = await run(csv);
    expect(
      (job as unknown as { options: { dialect: { delimiter: string } } }).options.dialect.delimiter,
    ).toBe(';');
    expect(result[0]).toEqual(['name', 'city', 'amount']);
    // `amount` is a currency column (header synonym): 1.234,50 is read with its comma decimal.
    expect(result[1]).toEqual(['José Müller', 'Köln', '1234.50']);
  });
});

describe('job options', () => {
  it('applies explicit column types, renames, required columns and a date order', async () => {
    const columns = JSON.stringify({
      when: { type: 'date', rename: 'day' },
      who: { type: 'name', required: true },
      amount: 'currency',
    });
    const { job, result, errors } = await run(
      'who,when,amount\r\nada LOVELACE,03/04/2024,"1.234,50 €"\r\n,04/05/2024,1\r\n',
      `?dateOrder=DMY&locale=de&columns=${encodeURIComponent(columns)}`,
    );
    expect(result).toEqual([
      ['who', 'day', 'amount'],
      ['Ada Lovelace', '2024-04-03', '1234.50'],
    ]);
    expect(job.counts).toMatchObject({ rowsAccepted: 1, rowsRejected: 1 });
    expect(errors.map((e) => [e[0], e[1], e[3]])).toEqual([['3', 'who', 'required']]);
  });

  it('infers the date order from the whole column and reports it', async () => {
    const lines = ['id,signup_date'];
    for (let i = 1; i <= 3000; i++) lines.push(`${i},0${(i % 9) + 1}/0${(i % 8) + 1}/2020`);
    lines.push('3001,25/12/2020'); // the only value that decides: day first
    const { job, result } = await run(`${lines.join('\n')}\n`);
    const column = job.columns.find((c) => c.name === 'signup_date') as unknown as {
      type: string;
      dateOrder: string;
      dateOrderSource: string;
    };
    expect(column).toMatchObject({ type: 'date', dateOrder: 'DMY', dateOrderSource: 'values' });
    // id 8 is 09/01/2020: 9 January day-first, not 1 September.
    expect(result[8]).toEqual(['8', '2020-01-09']);
    expect(result.at(-1)).toEqual(['3001', '2020-12-25']);
  });

  it('refuses bad options with invalid_option', async () => {
    for (const query of [
      '?phoneRegion=XX',
      '?dateOrder=DDMM',
      '?timeZone=Mars/Olympus',
      '?locale=%%%',
      '?delimiter=x',
      '?columns=%7B',
      '?columns=%7B%22a%22%3A%22colour%22%7D',
    ]) {
      const res = await fetch(`${stack.apiUrl}/v1/jobs${query}`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: 'a\n1\n',
      });
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { code: string }).code, query).toBe('invalid_option');
    }
    const res = await fetch(
      `${stack.apiUrl}/v1/jobs?columns=${encodeURIComponent('{"nope":"email"}')}`,
      { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'a\n1\n' },
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('unknown_column');
  });
});

describe('POST /v1/normalize', () => {
  it('normalizes values synchronously with typed errors', async () => {
    const res = await fetch(`${stack.apiUrl}/v1/normalize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        options: { phoneRegion: 'US', dateOrder: 'DMY' },
        values: [
          { type: 'phone', value: '(415) 555-2671' },
          { type: 'date', value: '03/04/2024' },
          { type: 'postal_code', value: '2134', country: 'USA' },
          { type: 'email', value: 'nope' },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      results: Array<{ ok: boolean; normalized?: string; code?: string }>;
    };
    expect(body.results.map((r) => (r.ok ? r.normalized : r.code))).toEqual([
      '+14155552671',
      '2024-04-03',
      '02134',
      'invalid_email',
    ]);
  });

  it('answers bad requests with problem+json', async () => {
    const bad = await fetch(`${stack.apiUrl}/v1/normalize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"values":[{"type":"colour","value":"red"}]}',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe('invalid_request');
    const malformed = await fetch(`${stack.apiUrl}/v1/normalize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"values":',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toMatch(/problem\+json/);
  });
});
