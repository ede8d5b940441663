import {
  outputColumns,
  type RowError,
  type StoredJobColumn,
  writtenColumn,
} from '@sluice/contract';

/**
 * A chunk's row errors counted by code and by the type of the column each is
 * about, for sluice_normalization_errors_total{code,column_type}. Errors name
 * their column by its written name (the request's rename, a split name's
 * part), so both names lead to the type; an error of no column (a row-level
 * one: too many fields, invalid encoding) counts as `none`. The label values
 * stay within the column types and `none`: never a column's name.
 */
export function countErrorsByColumnType(
  errors: readonly Pick<RowError, 'code' | 'column'>[],
  columns: readonly StoredJobColumn[],
): Array<{ code: string; columnType: string; count: number }> {
  if (errors.length === 0) return [];
  const typeOf = new Map<string, string>();
  for (const column of [...columns, ...outputColumns(columns).map(writtenColumn)]) {
    typeOf.set(column.name, column.type);
    if (column.outputName !== undefined) typeOf.set(column.outputName, column.type);
  }
  const counts = new Map<string, { code: string; columnType: string; count: number }>();
  for (const error of errors) {
    const columnType = (error.column === null ? undefined : typeOf.get(error.column)) ?? 'none';
    const key = `${error.code}\u0000${columnType}`;
    const found = counts.get(key);
    if (found) found.count += 1;
    else counts.set(key, { code: error.code, columnType, count: 1 });
  }
  return [...counts.values()];
}
