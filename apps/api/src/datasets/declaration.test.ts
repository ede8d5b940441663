import { MAX_DATASET_COLUMNS } from '@sluice/contract';
import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../http/problem.ts';
import { readDatasetDeclaration } from './declaration.ts';

const TENANT = '00000000-0000-4000-8000-000000000001';

const valid = {
  name: 'contacts',
  columns: [
    { name: 'email', type: 'email' },
    { name: 'joined', type: 'date', required: true },
    { name: 'vip', type: 'boolean', required: false },
  ],
  key: ['email'],
};

function refusal(body: unknown): HttpProblem {
  try {
    readDatasetDeclaration(body, TENANT);
  } catch (error) {
    if (error instanceof HttpProblem) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
}

describe('readDatasetDeclaration', () => {
  it('names the field and the rule in the detail', () => {
    const p = refusal({ ...valid, columns: [{ name: 'email', type: 'money' }] });
    expect(p.message).toMatch(/^columns\[0\]\.type must be one of .*\bemail\b.*\.$/);
    expect(p.extra).toEqual({ field: 'columns[0].type' });
    expect(refusal({ ...valid, name: 'Contacts' }).message).toBe(
      'name must be lower-case letters, digits and underscores, starting with a letter, at most 63 characters.',
    );
    expect(refusal(null).message).toMatch(/^Send a JSON object such as/);
  });

  it('accepts a valid declaration and makes key columns required', () => {
    expect(readDatasetDeclaration(valid, TENANT)).toEqual({
      tenantId: TENANT,
      name: 'contacts',
      columns: [
        { name: 'email', type: 'email', required: true },
        { name: 'joined', type: 'date', required: true },
        { name: 'vip', type: 'boolean', required: false },
      ],
      key: ['email'],
    });
  });

  it.each([
    ['not an object', []],
    ['null', null],
    ['name with a quote', { ...valid, name: 'a"b' }],
    ['name with SQL', { ...valid, name: 'x; drop table jobs' }],
    ['upper-case name', { ...valid, name: 'Contacts' }],
    ['leading underscore', { ...valid, name: '_contacts' }],
    ['64-character name', { ...valid, name: `a${'b'.repeat(63)}` }],
    ['no columns', { ...valid, columns: [] }],
    [
      'too many columns',
      {
        ...valid,
        columns: Array.from({ length: MAX_DATASET_COLUMNS + 1 }, (_, i) => ({
          name: `c${i}`,
          type: 'text',
        })),
      },
    ],
    ['bad column name', { ...valid, columns: [{ name: 'e mail', type: 'email' }] }],
    [
      'system column name',
      { ...valid, columns: [{ name: '_job_id', type: 'text' }], key: ['_job_id'] },
    ],
    ['duplicate column', { ...valid, columns: [valid.columns[0], valid.columns[0]] }],
    ['unknown type', { ...valid, columns: [{ name: 'email', type: 'money' }] }],
    ['inherited property as type', { ...valid, columns: [{ name: 'email', type: 'constructor' }] }],
    [
      'non-boolean required',
      { ...valid, columns: [{ name: 'email', type: 'email', required: 'yes' }] },
    ],
    ['missing key', { ...valid, key: undefined }],
    ['empty key', { ...valid, key: [] }],
    ['key not a column', { ...valid, key: ['phone'] }],
    ['repeated key column', { ...valid, key: ['email', 'email'] }],
  ])('refuses %s with invalid_dataset', (_, body) => {
    const p = refusal(body);
    expect(p.status).toBe(400);
    expect(p.code).toBe('invalid_dataset');
  });

  it('refuses columns named like PostgreSQL system columns, naming the column', () => {
    for (const name of ['ctid', 'xmin', 'xmax', 'cmin', 'cmax', 'tableoid']) {
      const problem = refusal({
        name: 'contacts',
        columns: [
          { name: 'email', type: 'email' },
          { name, type: 'text' },
        ],
        key: ['email'],
      });
      expect(problem.code).toBe('invalid_dataset');
      expect(problem.message).toContain(name);
      expect(problem.extra.field).toBe('columns[1].name');
    }
  });

  it('refuses a key of more columns than one PostgreSQL index may have (32)', () => {
    const names = Array.from({ length: 33 }, (_, i) => `c${i}`);
    const columns = names.map((name) => ({ name, type: 'integer' }));
    expect(refusal({ name: 'wide', columns, key: names })).toMatchObject({
      code: 'invalid_dataset',
      extra: { field: 'key' },
    });
    expect(
      readDatasetDeclaration({ name: 'wide', columns, key: names.slice(0, 32) }, TENANT).key,
    ).toHaveLength(32);
  });
});
