import { describe, expect, it } from 'vitest';
import { normalizeValue } from '../registry.ts';
import { decimalEvidence, separatorDoubt } from './number-evidence.ts';

describe('decimalEvidence', () => {
  it.each([
    ['12.5', '.'],
    ['$1,234.50', '.'],
    ['1,234,567.89', '.'],
    ['0.75', '.'],
    ['12,5', ','],
    ['1.234,50 €', ','],
    ['-0,125', ','],
    ['1234.567', '.'],
  ] as const)('%j proves %j', (raw, separator) => expect(decimalEvidence(raw)).toBe(separator));

  it.each(['1.234', '1,234', '1,234,567', '1.234.567', '1234', '', 'n/a', '12.', '.5', '1,2,3'])(
    '%j proves nothing',
    (raw) => expect(decimalEvidence(raw)).toBeUndefined(),
  );
});

describe('separatorDoubt', () => {
  it('is raised by both separators proven, unless one is a stray minority', () => {
    expect(separatorDoubt({ '.': 3, ',': 2 })).toMatch(/3 values only read with '.', 2 values/);
    expect(separatorDoubt({ '.': 3, ',': 0 })).toBeUndefined();
    expect(separatorDoubt({ '.': 100, ',': 1 })).toBeUndefined();
  });
});

describe('numbers in a column in doubt', () => {
  const options = { phoneRegion: 'US', separatorDoubt: true };
  it('reports what only the three-digit rule reads as ambiguous_number, and reads the rest', () => {
    for (const type of ['number', 'integer', 'currency'] as const) {
      expect(normalizeValue(type, '1.234', options)).toMatchObject({
        ok: false,
        code: 'ambiguous_number',
      });
      expect(normalizeValue(type, '$1,234', options)).toMatchObject({ code: 'ambiguous_number' });
    }
    expect(normalizeValue('number', '1,234.5', options)).toEqual({ ok: true, value: '1234.5' });
    expect(normalizeValue('number', '12,5', options)).toEqual({ ok: true, value: '12.5' });
    expect(normalizeValue('number', '1,234,567', options)).toEqual({ ok: true, value: '1234567' });
    expect(normalizeValue('number', '1234', options)).toEqual({ ok: true, value: '1234' });
    // A locale reads them; percent columns always read a decimal.
    expect(normalizeValue('number', '1.234', { ...options, locale: 'de' })).toEqual({
      ok: true,
      value: '1234',
    });
    expect(normalizeValue('percent', '1.234', options)).toEqual({ ok: true, value: '0.01234' });
    // Without doubt, as before: grouping.
    expect(normalizeValue('number', '1.234', { phoneRegion: 'US' })).toEqual({
      ok: true,
      value: '1234',
    });
  });
});
