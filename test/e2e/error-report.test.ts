import { parseRecords } from '@sluice/csv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobBody, submitCsv, waitForJob } from '../support/client.ts';
import { type Stack, startStack } from '../support/stack.ts';

const CAP = 50;
const MIN_ROWS = 200;

const rows = (csv: string) =>
  parseRecords(csv, { maxFields: 100 }).map((r) => {
    if ('error' in r) throw new Error(`unparseable CSV in test: ${r.error.message}`);
    return r.fields;
  });

let stack: Stack;

beforeAll(async () => {
  // Small chunks: a few thousand rows span many chunks, committed by two workers at once.
  stack = await startStack({
    queuePrefix: '{e2e-error-report}',
    workers: 2,
    env: { CHUNK_BYTES: '16KB' },
    workerEnv: {
      MAX_ERROR_ROWS_PER_JOB: String(CAP),
      ERROR_RATE_MIN_ROWS: String(MIN_ROWS),
      MAX_ERROR_RATE: '0.5',
    },
  });
});

afterAll(async () => {
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

async function run(csv: string, query: string): Promise<JobBody> {
  const submitted = await submitCsv(stack.apiUrl, csv, query);
  return await waitForJob(stack.apiUrl, submitted.id);
}

const columnsQuery = (columns: unknown) =>
  `?columns=${encodeURIComponent(JSON.stringify(columns))}`;

describe('stored error rows are capped per job', () => {
  it('completes with exact counts; errors.csv holds the cap and says it was cut', async () => {
    // Every other row has an invalid optional integer: 3,000 errors, no row rejected.
    const lines = ['id,note'];
    for (let i = 0; i < 6000; i++) lines.push(`${i % 2 === 0 ? `bad${i}` : i},row ${i}`);
    const job = await run(`${lines.join('\n')}\n`, columnsQuery({ id: 'integer' }));
    expect(job.status).toBe('completed');
    expect(job.progress.chunksTotal).toBeGreaterThan(3);
    expect(job.counts).toMatchObject({
      rowsTotal: 6000,
      rowsAccepted: 6000,
      rowsRejected: 0,
      errors: 3000,
      errorsStored: CAP,
      errorsTruncated: true,
    });
    expect(job.errorCode).toBeNull();

    const res = await fetch(job.links.errors);
    expect(res.status).toBe(200);
    expect(res.headers.get('sluice-errors-truncated')).toBe('true');
    expect(res.headers.get('sluice-errors-stored')).toBe(String(CAP));
    expect(res.headers.get('sluice-errors-total')).toBe('3000');
    const [header, ...errors] = rows(await res.text());
    expect(header).toEqual(['row', 'column', 'value', 'code', 'message']);
    expect(errors).toHaveLength(CAP);
    expect(errors.every((e) => e[1] === 'id' && e[2]?.startsWith('bad'))).toBe(true);
  });

  it('a job under the cap has its whole report, not marked truncated', async () => {
    const job = await run('id,note\nx,a\n1,b\ny,c\n', columnsQuery({ id: 'integer' }));
    expect(job.counts).toMatchObject({ errors: 2, errorsStored: 2, errorsTruncated: false });
    const res = await fetch(job.links.errors);
    expect(res.headers.get('sluice-errors-truncated')).toBe('false');
    expect(rows(await res.text())).toHaveLength(3);
  });
});

describe('a file whose first chunk is mostly rejected fails fast', () => {
  const DATASET = 'error_rate_people';

  it('fails with error_rate_exceeded, explains why and imports nothing', async () => {
    const created = await fetch(`${stack.apiUrl}/v1/datasets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: DATASET,
        columns: [
          { name: 'email', type: 'email', required: true },
          { name: 'age', type: 'integer', required: true },
        ],
        key: ['email'],
      }),
    });
    expect(created.status).toBe(201);
    // The wrong file: its "age" column holds words where the first chunk is
    // (every row fails its type); the rows after that would import.
    const lines = ['email,age'];
    for (let i = 0; i < 4000; i++) lines.push(`p${i}@example.com,${i < 1000 ? 'old' : 40}`);
    const job = await run(`${lines.join('\n')}\n`, `?type=import&dataset=${DATASET}`);
    expect(job.status).toBe('failed');
    expect(job.errorCode).toBe('error_rate_exceeded');
    expect(job.error).toMatch(
      /^Stopped early: ([\d,]+) of the first \1 rows \(100%\) were rejected/,
    );
    expect(job.error).toContain('invalid_integer in "age"');
    expect(job.error).toContain('column types');

    const rowsRes = await fetch(`${stack.apiUrl}/v1/datasets/${DATASET}`);
    expect(((await rowsRes.json()) as { rowCount: number }).rowCount).toBe(0);
    // The error report explains the failure (capped like any other); no result.
    const errors = await fetch(job.links.errors);
    expect(errors.status).toBe(200);
    const [, ...reported] = rows(await errors.text());
    expect(reported.length).toBe(CAP);
    // Whichever chunks committed first stored theirs: every row is this file's type error.
    for (const e of reported) {
      expect(e).toEqual([expect.any(String), 'age', 'old', 'invalid_integer', expect.any(String)]);
    }
    expect((await fetch(job.links.result)).status).toBe(409);
  });

  it('a file with fewer rows than ERROR_RATE_MIN_ROWS is processed whole', async () => {
    const job = await run(
      'email,age\na@example.com,old\nb@example.com,old\n',
      columnsQuery({ age: { type: 'integer', required: true } }),
    );
    expect(job.status).toBe('completed');
    expect(job.counts).toMatchObject({ rowsRejected: 2, errors: 2 });
  });
});

describe('errors.csv cannot carry a formula', () => {
  it('neutralizes every cell: the raw header name, the value and the message', async () => {
    const header = '=HDR(),+note';
    const csv = `${header}\n@SUM(1),x\n-5,=1+1\n=2,a,extra\n`;
    const job = await run(csv, columnsQuery({ '=HDR()': 'integer' }));
    expect(job.status).toBe('completed');
    const res = await fetch(job.links.errors);
    expect(res.status).toBe(200);
    const [head, ...errors] = rows(await res.text());
    expect(head).toEqual(['row', 'column', 'value', 'code', 'message']);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toEqual(['2', "'=HDR()", "'@SUM(1)", 'invalid_integer', expect.any(String)]);
    expect(errors[1]).toEqual([
      '4',
      '',
      "'=2,a,extra",
      'column_count_mismatch',
      expect.any(String),
    ]);
    for (const cell of errors.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    // The result keeps -5 as a number and neutralizes the text and the header
    // (the invalid optional @SUM(1) became empty).
    const result = rows(await (await fetch(job.links.result)).text());
    expect(result).toEqual([
      ["'=HDR()", "'+note"],
      ['', 'x'],
      ['-5', "'=1+1"],
    ]);
  });
});
