// Issue 11 item 2: PostgreSQL text cannot hold NUL (0x00). A NUL byte in a
// row that yields an error record (a bad value, a wrong field count) once
// made the chunk's commit fail on every attempt, failing the whole job and
// losing every good row; an import merged nothing. Now such a row costs only
// itself, and its error record shows U+2400 where the byte was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getText, submitCsv, waitForJob } from '../support/client.ts';
import { type Stack, startStack } from '../support/stack.ts';

let stack: Stack;

beforeAll(async () => {
  // Small chunks: the bad rows land in several chunks among good ones.
  stack = await startStack({ queuePrefix: '{e2e-nul}', env: { CHUNK_BYTES: '16384' } });
});

afterAll(async () => {
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

const ROWS = 3000;
/** Every 500th row has a NUL in an invalid e-mail, every 700th a NUL and one field too many. */
function csvWithNuls(): { csv: string; badEmail: number[]; extraField: number[] } {
  const lines = ['id,email,name'];
  const badEmail: number[] = [];
  const extraField: number[] = [];
  for (let i = 1; i <= ROWS; i++) {
    const record = i + 1; // the header is record 1
    if (i % 700 === 0) {
      extraField.push(record);
      lines.push(`${i},p${i}@example.com,Pat\0 ${i},extra`);
    } else if (i % 500 === 0) {
      badEmail.push(record);
      lines.push(`${i},not\0mail,Kim ${i}`);
    } else {
      lines.push(`${i},p${i}@example.com,Lee ${i}`);
    }
  }
  return { csv: `${lines.join('\n')}\n`, badEmail, extraField };
}

async function errorLines(url: string): Promise<string[]> {
  const { status, body } = await getText(url);
  expect(status).toBe(200);
  return body.trim().split('\n').slice(1);
}

describe('NUL bytes in rows', () => {
  const { csv, badEmail, extraField } = csvWithNuls();
  const rejected = badEmail.length + extraField.length;

  it('cost only their own rows in a normalize job; the error report shows them as U+2400', async () => {
    const columns = encodeURIComponent('{"email":{"type":"email","required":true}}');
    const submitted = await submitCsv(stack.apiUrl, csv, `?columns=${columns}`);
    const job = await waitForJob(stack.apiUrl, submitted.id);
    expect(job.status, JSON.stringify(job)).toBe('completed');
    expect(job.counts).toMatchObject({
      rowsTotal: ROWS,
      rowsAccepted: ROWS - rejected,
      rowsRejected: rejected,
    });
    const errors = await errorLines(job.links.errors);
    expect(errors).toHaveLength(rejected);
    const byRow = new Map(errors.map((line) => [Number(line.split(',')[0]), line]));
    for (const record of badEmail) {
      expect(byRow.get(record)).toMatch(/^\d+,email,not\u2400mail,invalid_email,/);
    }
    for (const record of extraField) {
      expect(byRow.get(record)).toMatch(/,column_count_mismatch,/);
      expect(byRow.get(record)).toContain('Pat\u2400');
    }
    const result = await getText(job.links.result);
    expect(result.body.split('\n')).toHaveLength(ROWS - rejected + 2); // header + rows + final ''
    expect(result.body).not.toContain('\0');
  });

  it('do not stop an import: every good row is merged', async () => {
    const declared = await fetch(`${stack.apiUrl}/v1/datasets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'nul_people',
        columns: [
          { name: 'id', type: 'text' },
          { name: 'email', type: 'email', required: true },
          { name: 'name', type: 'text' },
        ],
        key: ['id'],
      }),
    });
    expect(declared.status, await declared.text()).toBe(201);
    const submitted = await submitCsv(stack.apiUrl, csv, '?type=import&dataset=nul_people');
    const job = await waitForJob(stack.apiUrl, submitted.id);
    expect(job.status, JSON.stringify(job)).toBe('completed');
    expect(job.counts).toMatchObject({ rowsAccepted: ROWS - rejected, rowsRejected: rejected });
    const dataset = (await (await fetch(`${stack.apiUrl}/v1/datasets/nul_people`)).json()) as {
      rowCount: number;
    };
    expect(dataset.rowCount).toBe(ROWS - rejected);
  });
});
