// How uploads are read as CSV (packages/csv), end to end: encoding decided
// from evidence, CR-only line breaks, recovery from a quote that never closes,
// and uploads that are not text at all.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getText, type JobBody, submitCsv, waitForJob } from '../support/client.ts';
import { type Stack, startStack } from '../support/stack.ts';

type JobWithDialect = JobBody & {
  options: { dialect: Record<string, unknown> };
};

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ queuePrefix: '{e2e-csv-input}' });
});

afterAll(async () => {
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

async function run(csv: string | Buffer): Promise<JobWithDialect> {
  const submitted = await submitCsv(stack.apiUrl, csv);
  const job = await waitForJob(stack.apiUrl, submitted.id);
  expect(job.status, JSON.stringify(job)).toBe('completed');
  const res = await fetch(`${stack.apiUrl}/v1/jobs/${job.id}`);
  return (await res.json()) as JobWithDialect;
}

/** errors.csv as [row, code] pairs. */
async function errorCodes(job: JobBody): Promise<string[][]> {
  const { body } = await getText(job.links.errors);
  return body
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const cells = line.split(',');
      return [cells[0]!, cells.at(-2)!];
    });
}

describe('reading uploads as CSV', () => {
  it('UTF-8 with one byte that is not UTF-8 stays UTF-8: names intact, that row invalid_encoding', async () => {
    const good = 'José,Málaga\nZoë,Zürich\nFrançois,Besançon\nŁukasz,Łódź\n'.repeat(5);
    const csv = Buffer.concat([
      Buffer.from(`name,city\n${good}`),
      Buffer.from([0x42, 0x61, 0x64, 0xff, 0x2c, 0x54, 0x0a]), // Bad\xff,T
    ]);
    const job = await run(csv);
    expect(job.options.dialect).toMatchObject({ encoding: 'utf-8', encodingSource: 'mostly-utf8' });
    expect(job.options.dialect.encodingConfidence).toBeGreaterThan(0.9);
    expect(job.counts).toMatchObject({ rowsTotal: 21, rowsAccepted: 20, rowsRejected: 1 });
    const result = await getText(job.links.result);
    expect(result.body).toContain('José');
    expect(result.body).not.toContain('Ã');
    expect(await errorCodes(job)).toEqual([['22', 'invalid_encoding']]);
  });

  it('a CR-only file (old Mac export) is read row by row', async () => {
    const job = await run(
      'name,email\rAnn,ann@example.com\rBob,bob@example.com\rCy,cy@example.com',
    );
    expect(job.counts).toMatchObject({ rowsTotal: 3, rowsAccepted: 3, rowsRejected: 0 });
    const result = await getText(job.links.result);
    expect(result.body.trim().split('\n')).toHaveLength(4);
  });

  it('a quote that never closes costs its own row; the rows after it are read', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `${i + 3},row ${i}\n`).join('');
    const job = await run(`id,notes\n1,fine\n2,"oops\n${rows}`);
    expect(job.counts).toMatchObject({ rowsTotal: 52, rowsAccepted: 51, rowsRejected: 1 });
    expect(await errorCodes(job)).toEqual([['3', 'unterminated_quote']]);
  });

  it('a gzip file sent as text/csv is read as the CSV it holds (its magic bytes say gzip)', async () => {
    const res = await fetch(`${stack.apiUrl}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: gzipSync(Buffer.from(`name,email\n${'Ann,ann@example.com\n'.repeat(100)}`)),
    });
    expect(res.status).toBe(202);
    const job = await waitForJob(stack.apiUrl, ((await res.json()) as JobBody).id);
    expect(job.counts).toMatchObject({ rowsTotal: 100, rowsAccepted: 100 });
  });
});
