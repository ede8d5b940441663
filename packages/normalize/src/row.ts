import { toCountryCode } from './country.ts';
import { ERROR_CODES } from './errors.ts';
import { normalizeValue } from './registry.ts';
import type { CellError, ColumnSpec, NormalizeOptions, RowContext, RowResult } from './types.ts';

/** The row's country (alpha-2) from its first country column, for postal codes and regions. */
function rowContext(fields: readonly string[], columns: readonly ColumnSpec[]): RowContext {
  const index = columns.findIndex((c) => c.type === 'country');
  if (index < 0) return {};
  const raw = fields[index];
  return { country: raw === undefined ? undefined : toCountryCode(raw) };
}

/**
 * Normalizes one record, column by column. An invalid optional value becomes
 * empty and is reported; an invalid or empty required value rejects the row
 * (values are still filled as far as they go, errors all listed). The caller
 * guarantees `fields.length === columns.length`; a missing field reads as
 * empty.
 */
export function normalizeRow(
  fields: readonly string[],
  columns: readonly ColumnSpec[],
  options: NormalizeOptions,
): RowResult {
  const values: string[] = [];
  const errors: CellError[] = [];
  let rejected = false;
  const context = rowContext(fields, columns);
  let index = 0;
  for (const column of columns) {
    const raw = fields[index] ?? '';
    index += 1;
    const cellOptions = column.dateOrder ? { ...options, dateOrder: column.dateOrder } : options;
    const result = normalizeValue(column.type, raw, cellOptions, context);
    if (result.ok) {
      values.push(result.value);
      if (result.value === '' && column.required) {
        rejected = true;
        errors.push({
          column: column.name,
          raw,
          code: ERROR_CODES.required,
          message: `A value is required in column ${column.name}`,
        });
      }
      continue;
    }
    values.push('');
    errors.push({ column: column.name, raw, code: result.code, message: result.message });
    if (column.required) rejected = true;
  }
  return { values, errors, rejected };
}
