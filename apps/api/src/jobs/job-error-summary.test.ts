import { describe, expect, it } from 'vitest';
import { presentErrorSummary } from './job-error-summary.ts';

describe('presentErrorSummary', () => {
  it('groups by column with its codes, totals codes over columns, most errors first', () => {
    const body = presentErrorSummary({
      errors: 16,
      stored: 10,
      exact: true,
      counts: [
        { column: 'age', code: 'invalid_integer', errors: 2 },
        { column: 'email', code: 'invalid_email', errors: 5 },
        { column: null, code: 'too_many_fields', errors: 3 },
        { column: 'age', code: 'out_of_range', errors: 4 },
        { column: 'phone', code: 'invalid_integer', errors: 2 },
      ],
    });
    expect(body).toEqual({
      errors: 16,
      stored: 10,
      truncated: true,
      exact: true,
      columns: [
        {
          column: 'age',
          errors: 6,
          codes: [
            { code: 'out_of_range', errors: 4 },
            { code: 'invalid_integer', errors: 2 },
          ],
        },
        { column: 'email', errors: 5, codes: [{ code: 'invalid_email', errors: 5 }] },
        { column: null, errors: 3, codes: [{ code: 'too_many_fields', errors: 3 }] },
        { column: 'phone', errors: 2, codes: [{ code: 'invalid_integer', errors: 2 }] },
      ],
      codes: [
        { code: 'invalid_email', errors: 5 },
        { code: 'invalid_integer', errors: 4 },
        { code: 'out_of_range', errors: 4 },
        { code: 'too_many_fields', errors: 3 },
      ],
    });
  });

  it('orders ties by name, the whole row first; nothing truncated when all are stored', () => {
    const body = presentErrorSummary({
      errors: 3,
      stored: 3,
      exact: true,
      counts: [
        { column: 'b', code: 'x', errors: 1 },
        { column: 'a', code: 'x', errors: 1 },
        { column: null, code: 'y', errors: 1 },
      ],
    });
    expect(body.truncated).toBe(false);
    expect(body.columns.map((c) => c.column)).toEqual([null, 'a', 'b']);
    expect(body.codes).toEqual([
      { code: 'x', errors: 2 },
      { code: 'y', errors: 1 },
    ]);
  });

  it('is empty for a job without errors', () => {
    expect(presentErrorSummary({ errors: 0, stored: 0, exact: true, counts: [] })).toEqual({
      errors: 0,
      stored: 0,
      truncated: false,
      exact: true,
      columns: [],
      codes: [],
    });
  });
});
