/**
 * @sluice/normalize: per-column-type normalizers, header type inference and
 * row normalization. Pure and deterministic: no I/O, no shared mutable state,
 * so it runs unchanged in worker threads. Invalid values give typed error
 * codes (ERROR_CODES), never exceptions.
 *
 * One module per column type under types/ (types/text.ts, types/email.ts,
 * types/phone.ts, ...), each exporting a ColumnTypeDefinition; registry.ts
 * lists them. Beside a type's module, named after it: the parts it is split
 * into (types/number-parse.ts) and its word and alias tables (*-data.ts).
 * The machinery the types share stays at the top: column-type.ts (the
 * contract), registry.ts, row.ts (row normalization), infer.ts and profile.ts
 * (type inference), clean-text.ts (with latin-letters.ts, the letters its
 * shortcut and the name fast path take), lookup-key.ts, errors.ts. rules/:
 * validation rules (declaration.ts: what a declaration may say and its
 * checks; safe-pattern.ts: `pattern` compiled with guards; row-rules.ts: the
 * rules compiled per job and applied to normalized rows).
 */

export { cleanText } from './clean-text.ts';
export {
  type CellResult,
  type ColumnTypeDefinition,
  type DateOrder,
  type NormalizeOptions,
  type RowContext,
  SQL_TYPES,
  type SqlType,
} from './column-type.ts';
export { type DateOrderHint, dateOrderHint } from './date-order-decision.ts';
export { ERROR_CODES, type ErrorCode } from './errors.ts';
export { headerKey, inferColumnType } from './infer.ts';
export {
  ColumnProfiler,
  type ColumnRequest,
  type ProfiledColumn,
  type ProfilerHints,
  UnknownColumnError,
} from './profile.ts';
export {
  COLUMN_TYPE_NAMES,
  COLUMN_TYPES,
  CONTEXT_FREE_TYPES,
  type ColumnType,
  FORMULA_SAFE_TYPES,
  isColumnType,
  normalizeValue,
} from './registry.ts';
export {
  type CellError,
  type ColumnSpec,
  createRowNormalizer,
  DEFAULT_MEMO_ENTRIES,
  normalizeRow,
  type RowNormalizer,
  type RowNormalizerOptions,
  type RowResult,
} from './row.ts';
export {
  COMPARE_OPERATORS,
  type ColumnRules,
  type CompareOperator,
  type RuleProblem,
  ruleProblem,
} from './rules/declaration.ts';
export { compileRowRules, type RowRules, type RuleColumn } from './rules/row-rules.ts';
export { MAX_PATTERN_LENGTH } from './rules/safe-pattern.ts';
export { countryName, toCountryCode } from './types/country.ts';
export { inferDateOrder } from './types/date.ts';
export { type NameParts, splitName } from './types/name.ts';
export { NAME_SPLIT_PARTS, type NameSplitPart } from './types/name-split.ts';
export { isSupportedNumberLocale } from './types/number-parse.ts';
export { isSupportedPhoneRegion } from './types/phone.ts';
