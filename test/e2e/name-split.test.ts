// `{"Name":{"type":"name","split":true}}` in `columns`: the normalized name
// and, right after it, its first, middle, last and suffix as columns of
// their own, in result.csv and in an import (each part fills the dataset
// column named like its output column, `name_first`, ...). A name that is
// not valid is reported once, on the name column, its parts left empty.

import { parseRecords } from '@sluice/csv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getText, type JobBody, submitCsv, waitForJob } from '../support/client.ts';
import { type Stack, startStack } from '../support/stack.ts';

const rows = (csv: string) =>
  parseRecords(csv, { maxFields: 100 }).map((r) => {
    if ('error' in r) throw new Error(r.error.message);
    return r.fields;
  });

const CSV = [
  'id,Name,email',
  '1, dr. ada  LOVELACE ,ada@example.com',
  '2,"DOE, JANE M.",jane@example.com',
  '3,Martin Luther King Jr.,mlk@example.com',
  '4,ludwig van beethoven,lvb@example.com',
  '5,12345,num@example.com',
  '6,,blank@example.com',
  '',
].join('\n');

const SPLIT = encodeURIComponent(JSON.stringify({ Name: { type: 'name', split: true } }));

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ queuePrefix: '{e2e-name-split}' });
});
afterAll(async () => {
  expect(await stack?.stop()).toEqual([0, 0]);
});

async function api(path: string, init?: RequestInit) {
  const res = await fetch(`${stack.apiUrl}${path}`, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function run(query: string) {
  const submitted = await submitCsv(stack.apiUrl, CSV, query);
  const job = await waitForJob(stack.apiUrl, submitted.id);
  expect(job.status, JSON.stringify(job)).toBe('completed');
  return {
    job: job as JobBody & { columns: Array<{ name: string; split?: boolean }> },
    result: rows((await getText(job.links.result)).body),
    errors: rows((await getText(job.links.errors)).body)
      .slice(1)
      .map((e) => [e[0], e[1], e[3]]),
  };
}

describe('the person-name split as a column option', () => {
  it('writes first, middle, last and suffix after the name in result.csv', async () => {
    const { job, result, errors } = await run(`?columns=${SPLIT}`);
    expect(job.columns.find((c) => c.name === 'Name')).toMatchObject({ type: 'name', split: true });
    expect(result).toEqual([
      ['id', 'Name', 'Name_first', 'Name_middle', 'Name_last', 'Name_suffix', 'email'],
      ['1', 'Dr. Ada Lovelace', 'Ada', '', 'Lovelace', '', 'ada@example.com'],
      ['2', 'Jane M. Doe', 'Jane', 'M.', 'Doe', '', 'jane@example.com'],
      ['3', 'Martin Luther King Jr.', 'Martin', 'Luther', 'King', 'Jr.', 'mlk@example.com'],
      ['4', 'Ludwig van Beethoven', 'Ludwig', '', 'van Beethoven', '', 'lvb@example.com'],
      ['5', '', '', '', '', '', 'num@example.com'],
      ['6', '', '', '', '', '', 'blank@example.com'],
    ]);
    // Reported once, on the name column; the parts report nothing.
    expect(errors).toEqual([['6', 'Name', 'invalid_name']]);
  });

  it('names the parts after a renamed column, and refuses a split that is not of a name', async () => {
    const renamed = encodeURIComponent(
      JSON.stringify({ Name: { type: 'name', split: true, rename: 'person' } }),
    );
    const { result } = await run(`?columns=${renamed}`);
    expect(result[0]).toEqual([
      'id',
      'person',
      'person_first',
      'person_middle',
      'person_last',
      'person_suffix',
      'email',
    ]);
    for (const columns of [
      { email: { type: 'email', split: true } },
      { Name: { split: true } },
      { Name: { drop: true, split: true } },
      { Name: { type: 'name', split: 'yes' } },
    ]) {
      const res = await fetch(
        `${stack.apiUrl}/v1/jobs?columns=${encodeURIComponent(JSON.stringify(columns))}`,
        { method: 'POST', headers: { 'content-type': 'text/csv' }, body: CSV },
      );
      expect(res.status, JSON.stringify(columns)).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe('invalid_option');
    }
    // A part's name may not clash with another column of the output.
    const clash = await fetch(`${stack.apiUrl}/v1/jobs?columns=${SPLIT}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'Name,Name_last\nAda Lovelace,x\n',
    });
    expect(clash.status).toBe(400);
    expect(((await clash.json()) as { code: string }).code).toBe('duplicate_column');
  });

  it('imports the parts into the dataset columns named like them', async () => {
    const created = await api('/v1/datasets', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'people_split',
        columns: [
          { name: 'email', type: 'email', required: true },
          { name: 'name', type: 'name' },
          { name: 'name_first', type: 'text' },
          { name: 'name_last', type: 'text', required: true },
          { name: 'name_suffix', type: 'text' },
        ],
        key: ['email'],
      }),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const split = encodeURIComponent(JSON.stringify({ Name: { type: 'name', split: true } }));
    const { job, result, errors } = await run(`?type=import&dataset=people_split&columns=${split}`);
    // The output header is the dataset's column names; name_middle is written but not imported.
    expect(result[0]).toEqual([
      'id',
      'name',
      'name_first',
      'name_middle',
      'name_last',
      'name_suffix',
      'email',
    ]);
    expect(job.columns.find((c) => c.name === 'Name')).toMatchObject({
      split: true,
      partTargets: { first: 'name_first', last: 'name_last', suffix: 'name_suffix' },
      requiredParts: ['last'],
    });
    // name_last is required by the dataset: rows without a last name are rejected.
    expect(errors).toEqual([
      ['6', 'Name', 'invalid_name'],
      ['6', 'name_last', 'required'],
      ['7', 'name_last', 'required'],
    ]);
    expect(job.counts).toMatchObject({ rowsAccepted: 4, rowsRejected: 2 });
    const { body } = await api('/v1/datasets/people_split/rows?limit=100');
    const byEmail = new Map(
      (body as Array<Record<string, unknown>>).map((r) => [r.email as string, r]),
    );
    expect(byEmail.get('mlk@example.com')).toMatchObject({
      name: 'Martin Luther King Jr.',
      name_first: 'Martin',
      name_last: 'King',
      name_suffix: 'Jr.',
    });
    expect(byEmail.get('lvb@example.com')).toMatchObject({
      name_first: 'Ludwig',
      name_last: 'van Beethoven',
      name_suffix: null,
    });
  });
});
