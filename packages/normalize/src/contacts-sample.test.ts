import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './errors.ts';
import { inferColumnType } from './infer.ts';
import { type ColumnSpec, normalizeRow } from './row.ts';

/**
 * The email and phone columns of the shared sample data
 * (contacts-sample.csv -> contacts-sample.expected.csv), default options
 * (phone region US). `null` stands for the expected file's `!error`: the
 * output cell is empty and the row's errors name the column with a code.
 * The raw values are as the CSV parser yields them (the first e-mail keeps
 * the two spaces that follow its comma).
 */
const SAMPLE: [
  email: string,
  phone: string,
  expectedEmail: string | null,
  expectedPhone: string | null,
][] = [
  ['  Jane.Doe@Gmail.COM', '(202) 555-0143', 'jane.doe@gmail.com', '+12025550143'],
  ['mailto:p.vdberg@example.nl', '+31 20 123 4567', 'p.vdberg@example.nl', '+31201234567'],
  ['SEAN@EXAMPLE.IE', '+353 1 234 5678', 'sean@example.ie', '+35312345678'],
  ['maria.garcia@example.es', '+34 912 34 56 78', 'maria.garcia@example.es', '+34912345678'],
  ['angus@example.co.uk', '+44 131 496 0000', 'angus@example.co.uk', '+441314960000'],
  ['not-an-email', '123', null, null],
  ['minjun.kim@example.kr', '', 'minjun.kim@example.kr', ''],
  ['ALICE@EXAMPLE.COM', '202.555.0178', 'alice@example.com', '+12025550178'],
];

// The sample's header names, typed by inference as a normalize job would.
const columns: ColumnSpec[] = ['email', 'phone'].map((name) => ({
  name,
  type: inferColumnType(name),
  required: false,
}));

describe('contacts-sample.csv, email and phone columns', () => {
  it('infers the column types from the header', () => {
    expect(columns.map((c) => c.type)).toEqual(['email', 'phone']);
  });

  it.each(SAMPLE.map((row, i) => [i + 2, ...row] as const))(
    'record %i: %j, %j',
    (_record, email, phone, expectedEmail, expectedPhone) => {
      const result = normalizeRow([email, phone], columns, { phoneRegion: 'US' });
      expect(result.values).toEqual([expectedEmail ?? '', expectedPhone ?? '']);
      expect(result.rejected).toBe(false);
      const expectedErrors = [
        ...(expectedEmail === null ? [['email', ERROR_CODES.invalidEmail, email]] : []),
        ...(expectedPhone === null ? [['phone', ERROR_CODES.invalidPhone, phone]] : []),
      ];
      expect(result.errors.map((e) => [e.column, e.code, e.raw])).toEqual(expectedErrors);
    },
  );
});
