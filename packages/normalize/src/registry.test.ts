import { describe, expect, it } from 'vitest';
import type { NormalizeOptions } from './column-type.ts';
import { ERROR_CODES } from './errors.ts';
import {
  COLUMN_TYPE_NAMES,
  COLUMN_TYPES,
  type ColumnType,
  isColumnType,
  normalizeValue,
} from './registry.ts';

const options = { phoneRegion: 'US' };

describe('registry', () => {
  it('lists every column type once, each under its own name', () => {
    expect([...COLUMN_TYPE_NAMES].sort()).toEqual([
      'boolean',
      'company',
      'country',
      'currency',
      'date',
      'datetime',
      'email',
      'integer',
      'name',
      'number',
      'percent',
      'phone',
      'postal_code',
      'region',
      'text',
      'url',
    ]);
    for (const name of COLUMN_TYPE_NAMES) expect(COLUMN_TYPES[name].type).toBe(name);
  });

  it.each([
    ['text', true],
    ['email', true],
    ['phone', true],
    ['date', true],
    ['postal_code', true],
    ['colour', false],
    ['Email', false],
    ['toString', false],
    ['__proto__', false],
    ['', false],
  ] as const)('isColumnType(%j) -> %s', (name, expected) => {
    expect(isColumnType(name)).toBe(expected);
  });

  it('error codes are stable strings', () => {
    expect(ERROR_CODES).toEqual({
      required: 'required',
      invalidEmail: 'invalid_email',
      internationalEmail: 'international_email',
      invalidPhone: 'invalid_phone',
      invalidName: 'invalid_name',
      invalidDate: 'invalid_date',
      ambiguousDate: 'ambiguous_date',
      invalidDatetime: 'invalid_datetime',
      unknownTimeZone: 'unknown_time_zone',
      unknownCountry: 'unknown_country',
      invalidPostalCode: 'invalid_postal_code',
      unknownRegion: 'unknown_region',
      invalidCompany: 'invalid_company',
      invalidNumber: 'invalid_number',
      ambiguousNumber: 'ambiguous_number',
      invalidInteger: 'invalid_integer',
      invalidCurrency: 'invalid_currency',
      invalidPercent: 'invalid_percent',
      invalidBoolean: 'invalid_boolean',
      invalidUrl: 'invalid_url',
      normalizationFailed: 'normalization_failed',
      patternMismatch: 'pattern_mismatch',
      notInEnum: 'not_in_enum',
      belowMin: 'below_min',
      aboveMax: 'above_max',
      tooShort: 'too_short',
      tooLong: 'too_long',
      ruleFailed: 'rule_failed',
      duplicateInFile: 'duplicate_in_file',
    });
  });
});

describe('normalizeValue', () => {
  const blanks = ['', ' ', '   ', '\t', '\r\n', '\u00a0', '\u3000', '\u200b', '\ufeff', '\u0000'];
  for (const type of COLUMN_TYPE_NAMES) {
    it.each(blanks)(`${type}: blank %j -> empty value`, (raw) => {
      expect(normalizeValue(type, raw, options)).toEqual({ ok: true, value: '' });
    });
  }

  it('throws TypeError for an unknown type (a caller bug, not bad data)', () => {
    expect(() => normalizeValue('colour' as ColumnType, 'x', options)).toThrow(TypeError);
  });

  it('turns an unexpected failure inside a normalizer into a cell error', () => {
    const hostile = {
      get phoneRegion(): string {
        throw new Error('boom');
      },
    } as NormalizeOptions;
    expect(normalizeValue('phone', '415 555 2671', hostile)).toEqual({
      ok: false,
      code: ERROR_CODES.normalizationFailed,
      message: 'Could not normalize the value as phone: boom',
    });
  });

  it('is deterministic', () => {
    for (const type of COLUMN_TYPE_NAMES) {
      for (const raw of [' A@B.COM ', '(415) 555-2671', 'x  y', 'bad']) {
        expect(normalizeValue(type, raw, options)).toEqual(normalizeValue(type, raw, options));
      }
    }
  });
});
