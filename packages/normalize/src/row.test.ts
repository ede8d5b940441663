import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './errors.ts';
import { type ColumnSpec, normalizeRow } from './row.ts';

const options = { phoneRegion: 'US' };

const optional: ColumnSpec[] = [
  { name: 'name', type: 'text', required: false },
  { name: 'email', type: 'email', required: false },
  { name: 'phone', type: 'phone', required: false },
];
const required: ColumnSpec[] = optional.map((c) => ({ ...c, required: true }));

describe('normalizeRow', () => {
  it('normalizes every column', () => {
    expect(
      normalizeRow([' Jane\u200b Doe ', ' Jane@Example.COM', '(415) 555-2671'], optional, options),
    ).toEqual({
      values: ['Jane Doe', 'jane@example.com', '+14155552671'],
      errors: [],
      rejected: false,
    });
  });

  it('empties an invalid optional value and reports it without rejecting the row', () => {
    expect(normalizeRow(['Jane', 'not-an-email', '415 555 2671'], optional, options)).toEqual({
      values: ['Jane', '', '+14155552671'],
      errors: [
        {
          column: 'email',
          raw: 'not-an-email',
          code: ERROR_CODES.invalidEmail,
          message: expect.stringContaining("missing '@'"),
        },
      ],
      rejected: false,
    });
  });

  it('accepts empty optional values silently', () => {
    expect(normalizeRow(['', '  ', '\u200b'], optional, options)).toEqual({
      values: ['', '', ''],
      errors: [],
      rejected: false,
    });
  });

  it('rejects a row whose required value is invalid, still filling the other values', () => {
    expect(normalizeRow(['Jane', 'jane@example.com', '123'], required, options)).toEqual({
      values: ['Jane', 'jane@example.com', ''],
      errors: [
        {
          column: 'phone',
          raw: '123',
          code: ERROR_CODES.invalidPhone,
          message: expect.stringContaining('too short'),
        },
      ],
      rejected: true,
    });
  });

  it.each(['', '   ', '\t\r\n', '\u00a0\u200b'])(
    'rejects a row whose required value is blank (%j) with code required',
    (blank) => {
      const result = normalizeRow([blank, 'jane@example.com', '415 555 2671'], required, options);
      expect(result.rejected).toBe(true);
      expect(result.values).toEqual(['', 'jane@example.com', '+14155552671']);
      expect(result.errors).toEqual([
        { column: 'name', raw: blank, code: ERROR_CODES.required, message: expect.any(String) },
      ]);
    },
  );

  it('lists every error of a row, in column order', () => {
    const columns: ColumnSpec[] = [
      { name: 'name', type: 'text', required: true },
      { name: 'email', type: 'email', required: false },
      { name: 'phone', type: 'phone', required: true },
      { name: 'fax', type: 'phone', required: false },
    ];
    const result = normalizeRow(['', 'bad@', 'abc', '999'], columns, options);
    expect(result.rejected).toBe(true);
    expect(result.values).toEqual(['', '', '', '']);
    expect(result.errors.map((e) => [e.column, e.code, e.raw])).toEqual([
      ['name', ERROR_CODES.required, ''],
      ['email', ERROR_CODES.invalidEmail, 'bad@'],
      ['phone', ERROR_CODES.invalidPhone, 'abc'],
      ['fax', ERROR_CODES.invalidPhone, '999'],
    ]);
  });

  it('does not reject when only optional columns fail', () => {
    const columns: ColumnSpec[] = [
      { name: 'id', type: 'text', required: true },
      { name: 'email', type: 'email', required: false },
      { name: 'phone', type: 'phone', required: false },
    ];
    const result = normalizeRow(['42', 'x', 'y'], columns, options);
    expect(result.rejected).toBe(false);
    expect(result.values).toEqual(['42', '', '']);
    expect(result.errors).toHaveLength(2);
  });

  it('keeps the raw value, untouched, in errors', () => {
    const raw = '  <not an address>\u200b ';
    const [error] = normalizeRow(
      [raw],
      [{ name: 'e', type: 'email', required: false }],
      options,
    ).errors;
    expect(error?.raw).toBe(raw);
  });

  it('uses the phone region of the options', () => {
    const columns: ColumnSpec[] = [{ name: 'phone', type: 'phone', required: true }];
    expect(normalizeRow(['020 7946 0958'], columns, { phoneRegion: 'GB' }).values).toEqual([
      '+442079460958',
    ]);
    expect(normalizeRow(['020 7946 0958'], columns, options).rejected).toBe(true);
  });

  it('handles a row without columns', () => {
    expect(normalizeRow([], [], options)).toEqual({ values: [], errors: [], rejected: false });
  });

  it('does not share state between calls', () => {
    const fields = ['Jane', 'JANE@EXAMPLE.COM', '415 555 2671'];
    const first = normalizeRow(fields, optional, options);
    const second = normalizeRow(fields, optional, options);
    expect(second).toEqual(first);
    expect(second.values).not.toBe(first.values);
  });
});
