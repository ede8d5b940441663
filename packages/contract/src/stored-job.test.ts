import { describe, expect, it } from 'vitest';
import {
  outputColumns,
  sqlTypeOf,
  storedDatasetColumnSchema,
  storedJobColumnSchema,
  storedJobOptionsSchema,
  writtenColumn,
} from './stored-job.ts';

const options = {
  phoneRegion: 'US',
  dateOrder: 'DMY',
  timeZone: 'Europe/Berlin',
  locale: 'de',
  dialect: {
    encoding: 'windows-1252',
    encodingSource: 'not-utf8',
    delimiter: ';',
    delimiterSource: 'detected',
    delimiterConfidence: 0.98,
  },
};

describe('storedJobOptionsSchema', () => {
  it('keeps every option the API stores, unchanged', () => {
    expect(storedJobOptionsSchema.parse(options)).toEqual(options);
    const { dateOrder: _, locale: __, ...minimal } = options;
    expect(storedJobOptionsSchema.parse(minimal)).toEqual(minimal);
  });

  it.each([
    ['a lower-case region', { phoneRegion: 'us' }],
    ['an unknown date order', { dateOrder: 'YDM' }],
    ['no time zone', { timeZone: '' }],
    ['an unknown delimiter', { dialect: { ...options.dialect, delimiter: '#' } }],
    ['an unknown encoding', { dialect: { ...options.dialect, encoding: 'latin-9' } }],
    ['no dialect', { dialect: undefined }],
  ])('refuses %s', (_, change) => {
    expect(storedJobOptionsSchema.safeParse({ ...options, ...change }).success).toBe(false);
  });
});

describe('stored columns', () => {
  it('keep how a job column was decided, and refuse a type no normalizer knows', () => {
    const column = {
      name: 'DOB',
      type: 'date',
      required: true,
      outputName: 'birth_date',
      source: 'header',
      confidence: 0.9,
      dateOrder: 'DMY',
      dateOrderSource: 'values',
      note: 'day first: 25/12/1970 seen',
      target: 'birth_date',
    };
    expect(storedJobColumnSchema.parse(column)).toEqual(column);
    expect(storedJobColumnSchema.safeParse({ ...column, type: 'telepathy' }).success).toBe(false);
    expect(storedDatasetColumnSchema.safeParse({ name: 'x', type: 'url' }).success).toBe(false);
  });
});

describe('dropped columns', () => {
  it('keep their dropped flag when stored', () => {
    const column = { name: 'Notes', type: 'text', required: false, dropped: true };
    expect(storedJobColumnSchema.parse(column)).toEqual(column);
  });

  it('are not output columns; the others keep their input positions', () => {
    const columns = [
      { name: 'a', dropped: true },
      { name: 'b' },
      { name: 'c', dropped: false },
      { name: 'd', dropped: true },
    ];
    expect(outputColumns(columns).map(({ column, field }) => [column.name, field])).toEqual([
      ['b', 1],
      ['c', 2],
    ]);
  });
});

describe('split name columns', () => {
  it('write their parts right after them, from the same field, each a column of its own', () => {
    const columns = [
      { name: 'id', required: false },
      {
        name: 'Name',
        outputName: 'name',
        required: true,
        target: 'name',
        key: true,
        split: true,
        partTargets: { first: 'name_first', last: 'name_last' },
        requiredParts: ['last' as const],
        rules: [{ length: { max: 40 } }],
      },
      { name: 'x', required: false, dropped: true },
    ];
    const written = outputColumns(columns).map((entry) => ({
      field: entry.field,
      ...writtenColumn(entry),
    }));
    expect(written.map((c) => [c.name, c.field, c.part, c.required, c.target, c.key])).toEqual([
      ['id', 0, undefined, false, undefined, undefined],
      ['Name', 1, undefined, true, 'name', true],
      ['name_first', 1, 'first', false, 'name_first', undefined],
      ['name_middle', 1, 'middle', false, undefined, undefined],
      ['name_last', 1, 'last', true, 'name_last', undefined],
      ['name_suffix', 1, 'suffix', false, undefined, undefined],
    ]);
    // The name's validation rules stay the name column's own.
    expect(written.map((c) => c.rules)).toEqual([
      undefined,
      [{ length: { max: 40 } }],
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('sqlTypeOf', () => {
  it("names each column type's own SQL type", () => {
    expect(sqlTypeOf('email')).toBe('text');
    expect(sqlTypeOf('currency')).toBe('numeric');
    expect(sqlTypeOf('datetime')).toBe('timestamptz');
    expect(sqlTypeOf('boolean')).toBe('boolean');
  });
});
