// A date column holding both day-first (25/12/2020) and month-first
// (12/25/2020) values proves neither order: its values that read either way
// (03/04/2020) are reported one by one as ambiguous_date instead of being
// read in the majority's order, in every chunk alike (the proofs are in the
// first and the last chunk, and chunks may be processed early with the plan
// so far), while the job's locale or region may settle the conflict for
// the majority order it names. Number columns likewise: one proving both
// '.' and ',' as its decimal separator reports 1.234 as ambiguous_number.

import { parseRecords } from '@sluice/csv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getText, type JobBody, submitCsv, waitForJob } from '../support/client.ts';
import { type Stack, startStack } from '../support/stack.ts';

type DateJob = Omit<JobBody, 'columns'> & {
  columns: Array<{
    name: string;
    type: string;
    dateOrder?: string;
    dateOrderSource?: string;
    note?: string;
  }>;
};

const rows = (csv: string) =>
  parseRecords(csv, { maxFields: 100 }).map((r) => {
    if ('error' in r) throw new Error(r.error.message);
    return r.fields;
  });

const ROWS = 6000;
const pad = (n: number) => String(n).padStart(2, '0');
const DAY_FIRST = new Map([
  [2, '25/12/2020'],
  [3, '26/11/2020'],
  [4, '27/10/2020'],
]);
const MONTH_FIRST = new Map([
  [ROWS - 10, '12/25/2020'],
  [ROWS - 5, '11/26/2020'],
]);

/** Row i's date: a proof, a value either order reads (every 4th), or ISO. */
function dateOf(i: number): string {
  const proof = DAY_FIRST.get(i) ?? MONTH_FIRST.get(i);
  if (proof !== undefined) return proof;
  if (i % 4 === 1) return `${pad((i % 12) + 1)}/${pad(((i * 5) % 12) + 1)}/2020`;
  return `2020-${pad((i % 12) + 1)}-${pad((i % 28) + 1)}`;
}

/** Open: both parts 12 or below and different (03/03/2020 reads itself). */
const isOpen = (value: string) => {
  const [a, b] = value.split('/').map(Number);
  return value.includes('/') && a! <= 12 && b! <= 12 && a !== b;
};

const CSV = `id,signup_date\n${Array.from({ length: ROWS }, (_, i) => `${i},${dateOf(i)}\n`).join('')}`;
const OPEN = Array.from({ length: ROWS }, (_, i) => i).filter((i) => isOpen(dateOf(i)));

let stack: Stack;
beforeAll(async () => {
  // Several chunks (16 KB is about 900 rows), processed early when they can be.
  stack = await startStack({
    queuePrefix: '{e2e-date-doubt}',
    env: { CHUNK_BYTES: '16KB', UPLOAD_EARLY_PROCESSING: 'true' },
  });
});
afterAll(async () => {
  expect(await stack?.stop()).toEqual([0, 0]);
});

async function run(query: string) {
  const submitted = await submitCsv(stack.apiUrl, CSV, `?filename=dates.csv${query}`);
  const job = (await waitForJob(stack.apiUrl, submitted.id)) as unknown as DateJob;
  expect(job.status, JSON.stringify(job)).toBe('completed');
  expect(job.progress.chunksTotal).toBeGreaterThan(4);
  return {
    job,
    column: job.columns.find((c) => c.name === 'signup_date')!,
    result: rows((await getText(job.links.result)).body).slice(1),
    errors: rows((await getText(job.links.errors)).body).slice(1),
  };
}

describe('a date column with conflicting day/month evidence', () => {
  it('reports every value either order reads as ambiguous_date, in every chunk, and normalizes the rest', async () => {
    expect(OPEN.length).toBeGreaterThan(900);
    const { job, column, result, errors } = await run('');
    expect(column).toMatchObject({ type: 'date', dateOrderSource: 'conflicting' });
    expect(column.dateOrder).toBeUndefined();
    expect(column.note).toMatch(/3 values only valid day-first, 2 values only month-first/);
    // errors.csv: line (header is line 1), column, value, code.
    expect(errors.map((e) => [e[0], e[1], e[2], e[3]])).toEqual(
      OPEN.map((i) => [String(i + 2), 'signup_date', dateOf(i), 'ambiguous_date']),
    );
    expect(job.counts).toMatchObject({ rowsAccepted: ROWS, errors: OPEN.length });
    // The open cells are left empty; the proofs and ISO dates are read as written.
    expect(result).toHaveLength(ROWS);
    expect(result[1]).toEqual(['1', '']);
    expect(result[2]).toEqual(['2', '2020-12-25']);
    expect(result[ROWS - 10]).toEqual([String(ROWS - 10), '2020-12-25']);
    expect(result[ROWS - 5]).toEqual([String(ROWS - 5), '2020-11-26']);
    expect(result[6]).toEqual(['6', '2020-07-07']);
  });

  it('is settled by a locale that names the majority order, not by a region that names the minority', async () => {
    const de = await run('&locale=de');
    expect(de.column).toMatchObject({ dateOrder: 'DMY', dateOrderSource: 'values' });
    expect(de.column.note).toMatch(/locale de reads DMY too/);
    expect(de.errors).toEqual([]);
    // Row 1 is 02/06/2020: 2 June, day-first.
    expect(de.result[1]).toEqual(['1', '2020-06-02']);
    const us = await run('&phoneRegion=US');
    expect(us.column).toMatchObject({ dateOrderSource: 'conflicting' });
    expect(us.column.note).toMatch(/region US suggests MDY/);
    expect(us.errors).toHaveLength(OPEN.length);
  });

  it('keeps reading every value in the order the job gives', async () => {
    const { column, result, errors } = await run('&dateOrder=MDY');
    expect(column).toMatchObject({ dateOrder: 'MDY', dateOrderSource: 'job' });
    expect(errors).toEqual([]);
    expect(result[1]).toEqual(['1', '2020-02-06']);
    // A value that decides itself is read as it must be, whatever the order.
    expect(result[2]).toEqual(['2', '2020-12-25']);
  });
});

describe('a number column with conflicting decimal separators', () => {
  it('reports each value the three-digit rule would read as ambiguous_number, and reads the rest', async () => {
    const csv = [
      'id,amount',
      '1,12.5',
      '2,"1,234.50"',
      '3,"12,5"',
      '4,"1.234,50"',
      '5,1.234',
      '6,"1,234"',
      '7,7',
      '',
    ].join('\n');
    const columns = encodeURIComponent(JSON.stringify({ amount: 'currency' }));
    const submitted = await submitCsv(stack.apiUrl, csv, `?columns=${columns}`);
    const job = (await waitForJob(stack.apiUrl, submitted.id)) as unknown as DateJob & {
      columns: Array<{ name: string; separatorDoubt?: boolean; note?: string }>;
    };
    expect(job.status).toBe('completed');
    const amount = job.columns.find((c) => c.name === 'amount')!;
    expect(amount).toMatchObject({ separatorDoubt: true });
    expect(amount.note).toMatch(/2 values only read with '.', 2 values only with ','/);
    expect(rows((await getText(job.links.result)).body).map((r) => r[1])).toEqual([
      'amount',
      '12.50',
      '1234.50',
      '12.50',
      '1234.50',
      '',
      '',
      '7.00',
    ]);
    const errors = rows((await getText(job.links.errors)).body).slice(1);
    expect(errors.map((e) => [e[0], e[2], e[3]])).toEqual([
      ['6', '1.234', 'ambiguous_number'],
      ['7', '1,234', 'ambiguous_number'],
    ]);
  });
});
