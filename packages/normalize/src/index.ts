/**
 * @sluice/normalize: per-column-type normalizers, header type inference and
 * row normalization. Pure and deterministic: no I/O, no shared mutable state,
 * so it runs unchanged in worker threads. Invalid values give typed error
 * codes (ERROR_CODES), never exceptions.
 *
 * One module per column type (text.ts, email.ts, phone.ts), each exporting a
 * ColumnTypeDefinition; registry.ts lists them.
 */

export { countryName, toCountryCode } from './country.ts';
export { inferDateOrder } from './date.ts';
export { ERROR_CODES, type ErrorCode } from './errors.ts';
export { headerKey, inferColumnType } from './infer.ts';
export { type NameParts, splitName } from './name.ts';
export { isSupportedNumberLocale } from './number.ts';
export { isSupportedPhoneRegion } from './phone.ts';
export {
  ColumnProfiler,
  type ColumnRequest,
  type ProfiledColumn,
  UnknownColumnError,
} from './profile.ts';
export { COLUMN_TYPE_NAMES, COLUMN_TYPES, isColumnType, normalizeValue } from './registry.ts';
export {
  CONTEXT_FREE_TYPES,
  createRowNormalizer,
  DEFAULT_MEMO_ENTRIES,
  normalizeRow,
  type RowNormalizer,
  type RowNormalizerOptions,
} from './row.ts';
export { cleanText } from './text.ts';
export type {
  CellError,
  CellResult,
  ColumnSpec,
  ColumnType,
  ColumnTypeDefinition,
  DateOrder,
  NormalizeOptions,
  RowContext,
  RowResult,
} from './types.ts';
