import type { StoredJobColumn } from '@sluice/contract';
import { describe, expect, it } from 'vitest';
import { countErrorsByColumnType } from './error-column-types.ts';

const column = (name: string, type: StoredJobColumn['type'], more: Partial<StoredJobColumn> = {}) =>
  ({ name, type, required: false, ...more }) as StoredJobColumn;

describe('countErrorsByColumnType', () => {
  it('counts by code and the type of the named column, by its own or its written name', () => {
    const columns = [
      column('mail', 'email', { outputName: 'email_address' }),
      column('phone', 'phone'),
      column('full name', 'name', { split: true }),
    ];
    expect(
      countErrorsByColumnType(
        [
          { code: 'invalid_email', column: 'mail' },
          { code: 'invalid_email', column: 'email_address' },
          { code: 'invalid_phone', column: 'phone' },
          { code: 'missing_required', column: 'full name_last' },
          { code: 'too_many_fields', column: null },
          { code: 'invalid_email', column: 'not a column' },
        ],
        columns,
      ),
    ).toEqual([
      { code: 'invalid_email', columnType: 'email', count: 2 },
      { code: 'invalid_phone', columnType: 'phone', count: 1 },
      { code: 'missing_required', columnType: 'name', count: 1 },
      { code: 'too_many_fields', columnType: 'none', count: 1 },
      { code: 'invalid_email', columnType: 'none', count: 1 },
    ]);
    expect(countErrorsByColumnType([], columns)).toEqual([]);
  });
});
