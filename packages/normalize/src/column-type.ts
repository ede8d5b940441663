import type { ErrorCode } from './errors.ts';

/** Every column type this package can normalize. Adding one: a module + a registry entry. */
export type ColumnType =
  | 'text'
  | 'name'
  | 'email'
  | 'phone'
  | 'date'
  | 'datetime'
  | 'country'
  | 'postal_code'
  | 'region'
  | 'company'
  | 'number'
  | 'integer'
  | 'currency'
  | 'percent'
  | 'boolean'
  | 'url';

/** Order of day, month and year in numeric dates such as 03/04/2024. */
export type DateOrder = 'DMY' | 'MDY' | 'YMD';

export interface NormalizeOptions {
  /** ISO 3166-1 alpha-2 region for phone numbers written without a country code, e.g. 'US'. */
  phoneRegion: string;
  /**
   * Order for numeric dates. Set per job, or per column after the job looked
   * at the whole column (ColumnSpec.dateOrder wins over this).
   */
  dateOrder?: DateOrder | undefined;
  /** IANA zone for datetimes written without an offset; default 'UTC'. */
  timeZone?: string | undefined;
  /** BCP 47 locale for numbers ('de' reads 1.234,50); default: decided per value, see types/number.ts. */
  locale?: string | undefined;
}

/**
 * What a cell may know about the rest of its row: normalizeRow fills it from
 * the row's own columns before the cells that need it (postal_code and region
 * depend on the row's country).
 */
export interface RowContext {
  /** ISO 3166-1 alpha-2 of the row's country column, when it has a valid one. */
  country?: string | undefined;
}

export type CellResult =
  | { ok: true; value: string }
  | { ok: false; code: ErrorCode; message: string };

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  required: boolean;
  /** For date columns: the order decided for this column (from the job or inferred). */
  dateOrder?: DateOrder | undefined;
}

export interface CellError {
  column: string;
  raw: string;
  code: ErrorCode;
  message: string;
}

export interface RowResult {
  values: string[];
  errors: CellError[];
  rejected: boolean;
}

/**
 * One column type: how its values are normalized and which header names
 * announce it. Implementations are pure functions of their arguments (no I/O,
 * no shared mutable state), so they are safe in any number of worker threads.
 */
export interface ColumnTypeDefinition {
  readonly type: ColumnType;
  /**
   * Normalizes a value that is not blank (blank values never reach here:
   * normalizeValue answers them with an empty value). Never throws.
   */
  normalize(raw: string, options: NormalizeOptions, context: RowContext): CellResult;
  /**
   * Header names that mean this type, as header keys: lower case letters and
   * digits only, without diacritics ("E-Mail Address" -> "emailaddress").
   */
  readonly headerSynonyms: readonly string[];
  /**
   * For inference by sampling values: true when a non-blank value clearly has
   * this type's shape (cheap; no need to fully validate). Types that any text
   * satisfies (text, name, company) leave it out.
   */
  looksLike?(raw: string): boolean;
}
