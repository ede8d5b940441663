import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type NormalizeOptions, type RowContext, SQL_TYPES, type SqlType } from './column-type.ts';
import {
  COLUMN_TYPE_NAMES,
  COLUMN_TYPES,
  CONTEXT_FREE_TYPES,
  type ColumnType,
  FORMULA_SAFE_TYPES,
  normalizeValue,
} from './registry.ts';

const options: NormalizeOptions = { phoneRegion: 'US' };

/** Values every type is run over: what a spreadsheet would run as a formula, a NUL, signs. */
const HOSTILE = [
  '=1+2',
  '=HYPERLINK("http://example.com","x")',
  '@SUM(A1:A2)',
  "+cmd|' /C calc'!A0",
  '-2+3',
  '\t=1',
  '\r=1',
  '+1',
  '-1',
  '- 15',
  "'=1",
  'a\u0000b',
];

/**
 * Each type's own forms, valid and invalid, run together with HOSTILE.
 * Typed over ColumnType: a new type does not compile without its samples.
 */
const SAMPLES: Readonly<Record<ColumnType, readonly string[]>> = {
  text: ['  Acme\u200b  Corp ', 'hello', 'line one\r\nline two'],
  name: ['SMITH, JOHN A. JR', 'dr. jane doe', "o'brien", 'van der berg, peter'],
  email: [' Jane.Doe@Gmail.COM', 'not-an-email', 'user@bücher.de', '=cmd@example.com'],
  phone: [
    '(202) 555-0143',
    '+31 20 123 4567',
    '020 7946 0958',
    '0044 20 7946 0958',
    '123',
    '415.555.2671 x12',
    '(111) 222-3333',
  ],
  date: ['03/04/2024', '12/25/1970', '04.07.1985', 'July 4, 1979', '45355', '1985', '31/02/2000'],
  datetime: [
    '2024-03-04 17:05 PST',
    '2024-03-04T17:05:00+01:00',
    '1709571900',
    '45355.7118055556',
    'July 4, 1979 5:05 PM',
    '2024-03-04T17:05:00.250Z',
  ],
  country: ['United States', 'us', 'España', 'Atlantis', 'DR Congo', '\u{1F1F3}\u{1F1F1}'],
  postal_code: [
    '501',
    '12345-6789',
    'K1A0B1',
    'k1a 0b1',
    '1012ab',
    'SW1A1AA',
    'D-80331',
    'N/A',
    '97400',
  ],
  region: ['CA', 'ON', 'Texas', 'Québec', 'Bavaria', 'ca-on', 'US-TX', 'Ontario, Canada', 'dc'],
  company: ['INITECH LLC', 'acme corp', '=acme'],
  number: ['1,234.50', '1.234,50', '-0', '(15.25)', '1.5e3', '\u221212', '007'],
  integer: ['1,500', '3.00', '-42', '1.5'],
  currency: ['$2,500.00', '(15.25)', '€1.234,50', '-0.125', '15.25-'],
  percent: ['12%', '12.5', '-3.5%', '100%', '%12,5'],
  boolean: ['yes', 'no', 'x', 'maybe', 'TRUE', '0'],
  url: ['Example.com/a', 'https://bücher.de', 'javascript:alert(1)', 'http://example.com/=1'],
};

const valuesOf = (type: ColumnType) => [...SAMPLES[type], ...HOSTILE];

/** The non-empty values a type gives for its samples. */
function outputsOf(type: ColumnType): string[] {
  const outputs: string[] = [];
  for (const value of valuesOf(type)) {
    const result = normalizeValue(type, value, options);
    if (result.ok && result.value !== '') outputs.push(result.value);
  }
  return outputs;
}

describe('ColumnTypeDefinition facts', () => {
  it.each(COLUMN_TYPE_NAMES)('%s is registered under its own name', (type) => {
    expect(COLUMN_TYPES[type].type).toBe(type);
  });

  describe('sqlType', () => {
    it('stores every type as the SQL type datasets have always used', () => {
      const sqlTypes = Object.fromEntries(
        COLUMN_TYPE_NAMES.map((t) => [t, COLUMN_TYPES[t].sqlType]),
      );
      expect(sqlTypes).toEqual({
        text: 'text',
        email: 'text',
        phone: 'text',
        name: 'text',
        company: 'text',
        date: 'date',
        datetime: 'timestamptz',
        country: 'text',
        region: 'text',
        postal_code: 'text',
        currency: 'numeric',
        percent: 'numeric',
        integer: 'numeric',
        number: 'numeric',
        boolean: 'boolean',
        url: 'text',
      });
    });

    it.each(COLUMN_TYPE_NAMES)('%s has one of the SQL types', (type) => {
      expect(SQL_TYPES).toContain(COLUMN_TYPES[type].sqlType);
    });

    /** The canonical text form of each SQL type, which the cast at merge time reads back as written. */
    const CANONICAL: Readonly<Record<SqlType, RegExp>> = {
      // No control characters (the base cleaning drops or collapses them): no NUL,
      // which PostgreSQL text cannot hold.
      text: /^\P{Cc}+$/u,
      numeric: /^-?\d+(\.\d+)?$/,
      date: /^\d{4}-\d{2}-\d{2}$/,
      timestamptz: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/,
      boolean: /^(true|false)$/,
    };
    it.each(COLUMN_TYPE_NAMES)('%s outputs are in the canonical form of its SQL type', (type) => {
      const outputs = outputsOf(type);
      expect(outputs.length).toBeGreaterThan(0);
      for (const output of outputs) expect(output).toMatch(CANONICAL[COLUMN_TYPES[type].sqlType]);
    });
  });

  describe('contextFree', () => {
    const contexts: RowContext[] = [
      { country: undefined },
      ...['US', 'CA', 'GB', 'NL', 'DE', 'FR', 'PR', 'ES', 'XX'].map((country) => ({ country })),
    ];
    /** The samples whose result changes with the row's country. */
    const contextDependent = (type: ColumnType) =>
      valuesOf(type).filter((value) => {
        const alone = normalizeValue(type, value, options, {});
        return contexts.some(
          (context) => !isDeepStrictEqual(normalizeValue(type, value, options, context), alone),
        );
      });

    it.each(COLUMN_TYPE_NAMES)('%s reads the row context exactly when not contextFree', (type) => {
      if (COLUMN_TYPES[type].contextFree) expect(contextDependent(type)).toEqual([]);
      else expect(contextDependent(type).length).toBeGreaterThan(0);
    });

    it('CONTEXT_FREE_TYPES is the set of contextFree definitions', () => {
      expect([...CONTEXT_FREE_TYPES]).toEqual(
        COLUMN_TYPE_NAMES.filter((t) => COLUMN_TYPES[t].contextFree),
      );
    });
  });

  describe('formulaSafe', () => {
    it('leaves out of formula neutralizing exactly phone and the numeric types', () => {
      expect([...FORMULA_SAFE_TYPES].sort()).toEqual([
        'currency',
        'integer',
        'number',
        'percent',
        'phone',
      ]);
      expect([...FORMULA_SAFE_TYPES]).toEqual(
        COLUMN_TYPE_NAMES.filter((t) => COLUMN_TYPES[t].formulaSafe),
      );
    });

    /** What a spreadsheet may run as a formula (what @sluice/csv's neutralizeFormula escapes). */
    const FORMULA_START = /^[=+\-@\t\r]/;
    /** A sign before a number (or a phone number with its extension): a value, never a formula. */
    const SIGNED_NUMBER = /^[+-]\d+(\.\d+)?(;ext=\d+)?$/;
    it.each([...FORMULA_SAFE_TYPES])(
      '%s outputs start with a formula character only as the sign of a number',
      (type) => {
        const outputs = outputsOf(type);
        const signed = outputs.filter((output) => FORMULA_START.test(output));
        // The samples reach the sign: the check below is not vacuous.
        expect(signed.length).toBeGreaterThan(0);
        for (const output of outputs) expect(output).not.toMatch(/^[=@\t\r]/);
        for (const output of signed) expect(output).toMatch(SIGNED_NUMBER);
      },
    );
  });
});
