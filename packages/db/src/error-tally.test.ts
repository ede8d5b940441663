import type { RowError } from '@sluice/contract';
import { describe, expect, it } from 'vitest';
import { tallyRowErrors } from './error-tally.ts';

const error = (column: string | null, code: string): RowError => ({
  recordNumber: 2,
  column,
  raw: column === null ? null : 'x',
  code,
  message: 'm',
});

describe('tallyRowErrors', () => {
  it('counts by column and code, row-level errors under null, adding up to the errors', () => {
    const errors = [
      error('email', 'invalid_email'),
      error('age', 'invalid_integer'),
      error('email', 'invalid_email'),
      error(null, 'column_count_mismatch'),
      error('age', 'out_of_range'),
      error('email', 'invalid_email'),
    ];
    const tally = tallyRowErrors(errors);
    expect(tally).toEqual([
      { column: 'email', code: 'invalid_email', errors: 3 },
      { column: 'age', code: 'invalid_integer', errors: 1 },
      { column: null, code: 'column_count_mismatch', errors: 1 },
      { column: 'age', code: 'out_of_range', errors: 1 },
    ]);
    expect(tally.reduce((n, e) => n + e.errors, 0)).toBe(errors.length);
  });

  it('keeps a column named "null" apart from row-level errors, and names apart that a separator would join', () => {
    const tally = tallyRowErrors([
      error('null', 'c'),
      error(null, 'c'),
      error('a,b', 'c'),
      error('a', 'b,c'),
    ]);
    expect(tally).toHaveLength(4);
  });

  it('names a column as its stored rows do: NUL as U+2400, a lone surrogate as U+FFFD', () => {
    expect(tallyRowErrors([error('a\0b', 'c'), error('d\ud800', 'c')])).toEqual([
      { column: 'a\u2400b', code: 'c', errors: 1 },
      { column: 'd\ufffd', code: 'c', errors: 1 },
    ]);
  });

  it('is empty for a chunk without errors', () => {
    expect(tallyRowErrors([])).toEqual([]);
  });
});
