import { describe, expect, it } from 'vitest';
import type { NormalizeOptions } from './column-type.ts';
import {
  COLUMN_TYPE_NAMES,
  CONTEXT_FREE_TYPES,
  type ColumnType,
  normalizeValue,
} from './registry.ts';
import { type CellError, type ColumnSpec, createRowNormalizer, normalizeRow } from './row.ts';

const options: NormalizeOptions = { phoneRegion: 'US' };

const COUNTRIES = [
  'United States',
  'us',
  'Canada',
  'CA',
  'Netherlands',
  'United Kingdom',
  'Germany',
  'France',
  'España',
  'Italy',
  'Puerto Rico',
  '',
  'xx',
  'Atlantis',
  ' canada ',
];
const POSTAL_CODES = [
  '501',
  '2134',
  '12345-6789',
  '123456789',
  'K1A0B1',
  'k1a 0b1',
  '1012ab',
  'SW1A1AA',
  'eh11yz',
  'D-80331',
  '7500',
  'E-28013',
  '184',
  'N/A',
  '97400',
  '12345.0',
  '',
];
const REGIONS = [
  'CA',
  'ON',
  'Texas',
  'Québec',
  'XX',
  'Bavaria',
  '',
  'ca-on',
  'US-TX',
  'Texas, USA',
  'Ontario, Canada',
  'Z.Z.',
  'dc',
];
const DATES = ['03/04/2024', '12/25/1970', '04.07.1985', 'July 4, 1979', '45355', '1985', ''];
const PHONES = [
  '(202) 555-0143',
  '+31 20 123 4567',
  '020 7946 0958',
  '0044 20 7946 0958',
  '123',
  '415.555.2671 x12',
  '(111) 222-3333',
];
const OTHERS = [
  'yes',
  'no',
  'x',
  'maybe',
  '1.234,50',
  '$2,500.00',
  '(15.25)',
  '12%',
  'SMITH, JOHN A. JR',
  ' Jane.Doe@Gmail.COM',
  'not-an-email',
  'Example.com/a',
  '2024-03-04 17:05 PST',
  'INITECH LLC',
  '  Acme\u200b  Corp ',
  '=1+2',
];

/** A deterministic pseudo-random sequence (LCG), enough to mix the tables. */
function sequence(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const contextColumns: ColumnSpec[] = [
  { name: 'postal', type: 'postal_code', required: false },
  { name: 'country', type: 'country', required: false },
  { name: 'region', type: 'region', required: true },
  { name: 'country2', type: 'country', required: false },
  { name: 'born', type: 'date', required: false, dateOrder: 'DMY' },
  { name: 'phone', type: 'phone', required: false },
  { name: 'other', type: 'text', required: false },
];

/** Rows that repeat values under many different row countries. */
function contextRows(count: number, seed: number): string[][] {
  const next = sequence(seed);
  const pick = (list: readonly string[]) => list[Math.floor(next() * list.length)] ?? '';
  return Array.from({ length: count }, () => [
    pick(POSTAL_CODES),
    pick(COUNTRIES),
    pick(REGIONS),
    pick(COUNTRIES),
    pick(DATES),
    pick(PHONES),
    pick(OTHERS),
  ]);
}

describe('createRowNormalizer', () => {
  it.each([0, 1, 3, 4096])(
    'gives exactly the results of normalizeRow (memo of %i entries)',
    (memoEntries) => {
      const normalize = createRowNormalizer(contextColumns, options, { memoEntries });
      for (const fields of contextRows(3000, 7)) {
        expect(normalize(fields)).toEqual(normalizeRow(fields, contextColumns, options));
      }
    },
  );

  it('gives the results of normalizeRow for values that are new strings of repeated text', () => {
    // As the parser gives them: every cell a string of its own, equal in text
    // to earlier ones (the memo's front compares text, under the row country).
    const copy = (value: string) => ` ${value}`.slice(1);
    const normalize = createRowNormalizer(contextColumns, options);
    for (const fields of contextRows(3000, 11)) {
      const cells = fields.map(copy);
      expect(normalize(cells)).toEqual(normalizeRow(cells, contextColumns, options));
    }
  });

  it('keys postal codes and regions on the row country, not only on the value', () => {
    const columns: ColumnSpec[] = [
      { name: 'country', type: 'country', required: false },
      { name: 'zip', type: 'postal_code', required: false },
      { name: 'state', type: 'region', required: false },
    ];
    const normalize = createRowNormalizer(columns, options);
    const rows = [
      ['US', '501', 'ON'],
      ['Netherlands', '501', 'ON'],
      ['Canada', '501', 'ON'],
      ['', '501', 'ON'],
      ['US', '501', 'ON'],
      ['Canada', '1012ab', 'CA'],
      ['NL', '1012ab', 'CA'],
      ['US', '1012ab', 'CA'],
    ];
    const results = rows.map((fields) => normalize(fields));
    expect(results.map((r) => r.values)).toEqual([
      ['US', '00501', ''],
      ['NL', '', 'ON'],
      ['CA', '', 'ON'],
      ['', '501', 'ON'],
      ['US', '00501', ''],
      ['CA', '', ''],
      ['NL', '1012 AB', 'CA'],
      ['US', '', 'CA'],
    ]);
    expect(results[1]?.errors.map((e) => e.code)).toEqual(['invalid_postal_code']);
    expect(results[0]?.errors.map((e) => e.code)).toEqual(['unknown_region']);
    for (const [i, fields] of rows.entries()) {
      expect(results[i]).toEqual(normalizeRow(fields, columns, options));
    }
  });

  it('keeps a column date order and the options it was created with', () => {
    const columns: ColumnSpec[] = [
      { name: 'dmy', type: 'date', required: false, dateOrder: 'DMY' },
      { name: 'mdy', type: 'date', required: false, dateOrder: 'MDY' },
      { name: 'none', type: 'date', required: false },
      { name: 'phone', type: 'phone', required: false },
    ];
    const mutable: NormalizeOptions = { phoneRegion: 'GB' };
    const normalize = createRowNormalizer(columns, mutable);
    const fields = ['03/04/2024', '03/04/2024', '03/04/2024', '020 7946 0958'];
    const first = normalize(fields);
    expect(first.values).toEqual(['2024-04-03', '2024-03-04', '', '+442079460958']);
    expect(first.errors.map((e) => e.code)).toEqual(['ambiguous_date']);
    mutable.phoneRegion = 'US';
    expect(normalize(fields)).toEqual(first);
    expect(normalize(fields)).toEqual(normalizeRow(fields, columns, { phoneRegion: 'GB' }));
  });

  it('remembers at most memoEntries values per column and the row country', () => {
    const normalize = createRowNormalizer(contextColumns, options, { memoEntries: 3 });
    const rows = contextRows(500, 3).map((fields, i) => {
      const unique = [...fields];
      unique[6] = `value ${i}`;
      return unique;
    });
    for (const fields of rows) {
      expect(normalize(fields)).toEqual(normalizeRow(fields, contextColumns, options));
    }
    expect(normalize.remembered()).toBeLessThanOrEqual(3 * (contextColumns.length + 1));
    expect(createRowNormalizer(contextColumns, options, { memoEntries: 0 }).remembered()).toBe(0);
  });

  it('stays exact for columns whose values never repeat (the memo switches itself off)', () => {
    const columns: ColumnSpec[] = [
      { name: 'id', type: 'integer', required: true },
      { name: 'email', type: 'email', required: false },
      { name: 'flag', type: 'boolean', required: false },
    ];
    const normalize = createRowNormalizer(columns, options);
    for (let i = 0; i < 3000; i++) {
      const fields = [String(i), ` User.${i}@Example.COM `, i % 3 === 0 ? 'yes' : 'maybe'];
      expect(normalize(fields)).toEqual(normalizeRow(fields, columns, options));
    }
    expect(normalize.remembered()).toBeLessThanOrEqual(3 * 4096);
  });

  it('keeps remembering failures once valid values stop repeating', () => {
    const columns: ColumnSpec[] = [
      { name: 'country', type: 'country', required: false },
      { name: 'phone', type: 'phone', required: false },
      { name: 'zip', type: 'postal_code', required: false },
      { name: 'email', type: 'email', required: true },
    ];
    const normalize = createRowNormalizer(columns, options);
    const bad = ['n/a', '123', 'N/A', 'none', '', ' n/a ', 'n/b', 'a/n'];
    const rows = Array.from({ length: 3000 }, (_, i) => {
      const repeat = i % 20 === 0 ? bad[(i / 20) % bad.length]! : undefined;
      return [
        ['US', 'United States', 'us'][i % 3]!,
        repeat ?? `(415) 86${i % 10}-${String(i).padStart(4, '0')}`,
        repeat ?? String(10_000 + i),
        repeat ?? `user.${i}@example.com`,
      ];
    });
    for (const fields of rows) {
      expect(normalize(fields)).toEqual(normalizeRow(fields, columns, options));
    }
    // Valid values were remembered only during the first lookups; failures all along.
    expect(normalize.remembered()).toBeLessThan(3 * 600);
  });

  it('normalizes into arrays the caller reuses exactly as it answers rows', () => {
    const normalize = createRowNormalizer(contextColumns, options);
    const values: string[] = [];
    const errors: CellError[] = [];
    for (const fields of contextRows(2000, 11)) {
      errors.length = 0;
      const rejected = normalize.into(fields, values, errors);
      expect({ values, errors, rejected }).toEqual(normalizeRow(fields, contextColumns, options));
    }
  });

  it('gives every row its own values and errors arrays', () => {
    const normalize = createRowNormalizer(contextColumns, options);
    const [fields = []] = contextRows(1, 1);
    const first = normalize(fields);
    const second = normalize(fields);
    expect(second).toEqual(first);
    expect(second.values).not.toBe(first.values);
    expect(second.errors).not.toBe(first.errors);
  });
});

describe('CONTEXT_FREE_TYPES', () => {
  it('leaves out exactly the types that read the row context (new types must be decided)', () => {
    expect(COLUMN_TYPE_NAMES.filter((t) => !CONTEXT_FREE_TYPES.has(t)).sort()).toEqual([
      'postal_code',
      'region',
    ]);
  });

  const values = [
    ...new Set([...COUNTRIES, ...POSTAL_CODES, ...REGIONS, ...DATES, ...PHONES, ...OTHERS]),
  ];
  const contexts = [undefined, 'US', 'CA', 'GB', 'NL', 'DE', 'FR', 'PR', 'ES', 'XX'];
  it.each([...CONTEXT_FREE_TYPES])('%s gives the same result whatever the row country', (type) => {
    for (const value of values) {
      const alone = normalizeValue(type as ColumnType, value, options, {});
      for (const country of contexts) {
        expect(normalizeValue(type as ColumnType, value, options, { country })).toEqual(alone);
      }
    }
  });
});

describe('name parts', () => {
  it("write a part of the name column's value, never an error of their own", () => {
    const columns: ColumnSpec[] = [
      { name: 'Name', type: 'name', required: false },
      { name: 'Name_first', type: 'name', required: false, part: 'first' },
      { name: 'Name_last', type: 'name', required: true, part: 'last' },
      { name: 'Name_suffix', type: 'name', required: false, part: 'suffix' },
    ];
    const rowNormalizer = createRowNormalizer(columns, options);
    for (const normalize of [
      (f: string[]) => rowNormalizer(f),
      (f: string[]) => normalizeRow(f, columns, options),
    ]) {
      const name = 'martin LUTHER king jr.';
      expect(normalize([name, name, name, name])).toEqual({
        values: ['Martin Luther King Jr.', 'Martin', 'King', 'Jr.'],
        errors: [],
        rejected: false,
      });
      const bad = normalize(['12345', '12345', '12345', '12345']);
      expect(bad.values).toEqual(['', '', '', '']);
      // The name's own error, and the required part left empty.
      expect(bad.errors.map((e) => [e.column, e.code])).toEqual([
        ['Name', 'invalid_name'],
        ['Name_last', 'required'],
      ]);
    }
  });
});
