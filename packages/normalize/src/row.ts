import type { CellResult, DateOrder, NormalizeOptions, RowContext } from './column-type.ts';
import { ERROR_CODES, type ErrorCode } from './errors.ts';
import {
  CONTEXT_FREE_TYPES,
  type ColumnType,
  isColumnType,
  normalizeKnown,
  normalizeValue,
} from './registry.ts';
import { toCountryCode } from './types/country.ts';
import { type NameSplitPart, normalizeNamePart } from './types/name-split.ts';

/** One column of the records a row normalizer takes: its name, type and whether it must have a value. */
export interface ColumnSpec {
  name: string;
  type: ColumnType;
  required: boolean;
  /** For date columns: the order decided for this column (from the job or inferred). */
  dateOrder?: DateOrder | undefined;
  /**
   * A column written from a name column's raw value: this part of the name
   * (types/name-split.ts), never an error of its own. Its type stays `name`.
   */
  part?: NameSplitPart | undefined;
  /** Number columns: both '.' and ',' proven decimal (profile.ts); see NormalizeOptions.separatorDoubt. */
  separatorDoubt?: boolean | undefined;
}

/** A part column's normalizer, in the shape of normalizeValue. */
const partNormalizer =
  (part: NameSplitPart) =>
  (_type: ColumnType, raw: string): CellResult =>
    normalizeNamePart(raw, part);

/** One cell's error: its column, the value as written, and the error code and message. */
export interface CellError {
  column: string;
  raw: string;
  code: ErrorCode;
  message: string;
}

/**
 * One normalized row: a value per column ('' for an empty or invalid one),
 * the cells' errors, and whether the row is rejected (a required column
 * without a valid value).
 */
export interface RowResult {
  values: string[];
  errors: CellError[];
  rejected: boolean;
}

/** The index of the row's first country column (the one RowContext.country is read from), or -1. */
function countryIndex(columns: readonly ColumnSpec[]): number {
  return columns.findIndex((c) => c.type === 'country');
}

/** The options a column's cells are normalized with: the job's, with the column's date order. */
function cellOptions(column: ColumnSpec, options: NormalizeOptions): NormalizeOptions {
  if (column.separatorDoubt === true) return { ...options, separatorDoubt: true };
  return column.dateOrder ? { ...options, dateOrder: column.dateOrder } : options;
}

/**
 * Adds one cell's outcome to a row: its value, and its error when it failed
 * or when a required column came out empty. Answers whether the cell rejects
 * the row.
 */
function addCell(
  column: ColumnSpec,
  raw: string,
  result: CellResult,
  index: number,
  values: string[],
  errors: CellError[],
): boolean {
  if (result.ok) {
    values[index] = result.value;
    if (result.value === '' && column.required) {
      errors.push({
        column: column.name,
        raw,
        code: ERROR_CODES.required,
        message: `A value is required in column ${column.name}`,
      });
      return true;
    }
    return false;
  }
  values[index] = '';
  errors.push({ column: column.name, raw, code: result.code, message: result.message });
  return column.required;
}

/**
 * Normalizes one record, column by column. An invalid optional value becomes
 * empty and is reported; an invalid or empty required value rejects the row
 * (values are still filled as far as they go, errors all listed). The caller
 * guarantees `fields.length === columns.length`; a missing field reads as
 * empty.
 *
 * For many records with the same columns and options, createRowNormalizer
 * gives the same results faster.
 */
export function normalizeRow(
  fields: readonly string[],
  columns: readonly ColumnSpec[],
  options: NormalizeOptions,
): RowResult {
  const values: string[] = [];
  const errors: CellError[] = [];
  let rejected = false;
  const at = countryIndex(columns);
  const countryRaw = at < 0 ? undefined : fields[at];
  const context: RowContext =
    at < 0 ? {} : { country: countryRaw === undefined ? undefined : toCountryCode(countryRaw) };
  let index = 0;
  for (const column of columns) {
    const raw = fields[index] ?? '';
    const result =
      column.part === undefined
        ? normalizeValue(column.type, raw, cellOptions(column, options), context)
        : normalizeNamePart(raw, column.part);
    if (addCell(column, raw, result, index, values, errors)) rejected = true;
    index += 1;
  }
  return { values, errors, rejected };
}

/** Distinct values a row normalizer remembers per column (and for the row's country), at most. */
export const DEFAULT_MEMO_ENTRIES = 4096;

/**
 * A column whose values rarely repeat stops remembering its valid values:
 * after this many lookups, fewer than MEMO_MIN_HITS hits switch it to
 * remembering failures only (a speed decision only; results are the same
 * either way). Invalid values repeat even in columns of unique values
 * (`n/a`, `none`, `123`), and they are the dearest to normalize: the general
 * code and its explanation of the error run for each.
 */
const MEMO_PROBE = 512;
// A quarter: below that, looking up and storing every value costs about what
// the hits save, now that the common values of most types take fast paths.
const MEMO_MIN_HITS = 128;

export interface RowNormalizerOptions {
  /**
   * Distinct values remembered per column, at most (default
   * DEFAULT_MEMO_ENTRIES); 0 remembers nothing. When a memo is full, new
   * values are normalized without being remembered.
   */
  memoEntries?: number;
}

/** Slots of a failures-only memo's filter (see ColumnMemo). */
const FILTER_SLOTS = 1024;

/** A value's slot in the filter: from its length and its first and last code units. */
const filterSlot = (raw: string) =>
  (raw.length * 31 + raw.charCodeAt(0) * 7 + raw.charCodeAt(raw.length - 1)) & (FILTER_SLOTS - 1);

/** Remembered cell results of one column: raw -> result, per row country for context-dependent types. */
class ColumnMemo {
  readonly #limit: number;
  readonly #contextual: boolean;
  readonly #plain = new Map<string, CellResult>();
  readonly #byCountry = new Map<string | undefined, Map<string, CellResult>>();
  #lastCountry: string | undefined;
  #lastTable: Map<string, CellResult> | undefined;
  #size = 0;
  #lookups = 0;
  #hits = 0;
  /** False when the memo has no room at all: nothing is looked up. */
  readonly active: boolean;
  /** True once valid values were found not to repeat: only failures are remembered from then on. */
  #failuresOnly = false;
  /**
   * In failures-only mode, a value is looked up only when a failure of its
   * length and first and last character was remembered (filterSlot): a
   * lookup hashes the whole value, and most values of such a column are new.
   */
  readonly #failures = new Uint8Array(FILTER_SLOTS);

  constructor(limit: number, contextual: boolean) {
    this.#limit = limit;
    this.#contextual = contextual;
    this.active = limit > 0;
  }

  #table(country: string | undefined): Map<string, CellResult> {
    if (!this.#contextual) return this.#plain;
    // Rows of one country often follow each other: its table is kept at hand.
    if (this.#lastTable !== undefined && this.#lastCountry === country) return this.#lastTable;
    let table = this.#byCountry.get(country);
    if (table === undefined) {
      table = new Map();
      this.#byCountry.set(country, table);
    }
    this.#lastCountry = country;
    this.#lastTable = table;
    return table;
  }

  get(raw: string, country: string | undefined): CellResult | undefined {
    if (this.#failuresOnly) {
      return this.#failures[filterSlot(raw)] === 0 ? undefined : this.#table(country).get(raw);
    }
    const found = this.#table(country).get(raw);
    this.#lookups += 1;
    if (found !== undefined) this.#hits += 1;
    else if (this.#lookups === MEMO_PROBE && this.#hits < MEMO_MIN_HITS) this.#failuresOnly = true;
    return found;
  }

  set(raw: string, country: string | undefined, result: CellResult): void {
    if (this.#size >= this.#limit) return;
    if (!result.ok) this.#failures[filterSlot(raw)] = 1;
    else if (this.#failuresOnly) return;
    this.#table(country).set(raw, result);
    this.#size += 1;
  }

  get size(): number {
    return this.#size;
  }
}

/** normalizeRow for many records with the same columns and options; see createRowNormalizer. */
export interface RowNormalizer {
  (fields: readonly string[]): RowResult;
  /**
   * The same row normalized into arrays the caller owns and reuses (a
   * chunk's row loop allocates no result per row): `values[i]` is set for
   * every column, the cells' errors are appended to `errors`. Answers
   * whether the row is rejected.
   */
  into(fields: readonly string[], values: string[], errors: CellError[]): boolean;
  /** How many results are remembered in all (every column's memo and the row-country memo). */
  remembered(): number;
}

/**
 * A normalizeRow for many records with the same columns and options (one
 * chunk): it gives exactly the results normalizeRow would, but remembers the
 * result of each distinct value per column, so repeated values (countries,
 * states, employers, booleans, dates, phone numbers seen before) are
 * normalized once. The memo is keyed on everything a result depends on: the
 * column (hence its type and options, which are fixed at creation; `options`
 * is copied), the raw value, and for context-dependent types the row's
 * country (RowContext). It is bounded (`memoEntries` per column) and lives as
 * long as the returned function.
 */
export function createRowNormalizer(
  columns: readonly ColumnSpec[],
  options: NormalizeOptions,
  { memoEntries = DEFAULT_MEMO_ENTRIES }: RowNormalizerOptions = {},
): RowNormalizer {
  const fixed: NormalizeOptions = { ...options };
  const specs = columns.map((column) => ({ ...column }));
  const plans = specs.map((column) => ({
    column,
    type: column.type,
    options: cellOptions(column, fixed),
    memo: new ColumnMemo(memoEntries, !CONTEXT_FREE_TYPES.has(column.type)),
    // Checked once here instead of per cell; an unknown type still throws per cell as before.
    normalize:
      column.part !== undefined
        ? partNormalizer(column.part)
        : isColumnType(column.type)
          ? normalizeKnown
          : normalizeValue,
  }));
  const at = countryIndex(specs);
  // Row contexts by the raw value of the row's country column (normalizers only read them).
  const contexts = new Map<string, RowContext>();
  const noCountry: RowContext = { country: undefined };
  const contextOf = (raw: string): RowContext => {
    let context = contexts.get(raw);
    if (context === undefined) {
      context = { country: toCountryCode(raw) };
      if (contexts.size < memoEntries) contexts.set(raw, context);
    }
    return context;
  };
  const noContext: RowContext = {};

  const into = (fields: readonly string[], values: string[], errors: CellError[]): boolean => {
    let rejected = false;
    let context = noContext;
    if (at >= 0) {
      const raw = fields[at];
      context = raw === undefined ? noCountry : contextOf(raw);
    }
    const country = context.country;
    for (let index = 0; index < plans.length; index++) {
      const plan = plans[index]!;
      const raw = fields[index] ?? '';
      let result: CellResult | undefined;
      if (plan.memo.active) {
        result = plan.memo.get(raw, country);
        if (result === undefined) {
          result = plan.normalize(plan.type, raw, plan.options, context);
          plan.memo.set(raw, country, result);
        }
      } else {
        result = plan.normalize(plan.type, raw, plan.options, context);
      }
      if (addCell(plan.column, raw, result, index, values, errors)) rejected = true;
    }
    return rejected;
  };
  const normalize = (fields: readonly string[]): RowResult => {
    const values: string[] = [];
    const errors: CellError[] = [];
    const rejected = into(fields, values, errors);
    return { values, errors, rejected };
  };
  const remembered = () => plans.reduce((sum, plan) => sum + plan.memo.size, contexts.size);
  return Object.assign(normalize, { into, remembered });
}
