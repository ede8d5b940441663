import type { ErrorCode } from './errors.ts';

/**
 * The PostgreSQL types a dataset column can be stored as: the values of
 * ColumnTypeDefinition.sqlType.
 */
export const SQL_TYPES = ['text', 'numeric', 'date', 'timestamptz', 'boolean'] as const;
export type SqlType = (typeof SQL_TYPES)[number];

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
  /**
   * Internationalized e-mail addresses (UTF-8 local part or IDN domain):
   * accepted by default; 'refuse' reports them as international_email.
   */
  internationalEmail?: 'allow' | 'refuse' | undefined;
  /**
   * Number columns whose values prove both '.' and ',' as the decimal
   * separator (set per column, ColumnSpec.separatorDoubt): `1.234` is
   * ambiguous_number instead of 1234.
   */
  separatorDoubt?: boolean | undefined;
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

/**
 * One column type, with every fact about it: how its values are normalized,
 * which header names announce it and what its values look like, the SQL type
 * a dataset stores it as, whether it reads the rest of the row and whether
 * its outputs are safe in a spreadsheet. Adding a type is two steps: a module
 * under types/ exporting its definition, and its entry in COLUMN_TYPES
 * (registry.ts); the ColumnType union and every table of types (row
 * memoization, formula neutralizing, dataset column types) are read from the
 * definitions. Every fact is required, so a definition that leaves one out
 * does not compile (looksLike alone is optional, see there).
 *
 * Implementations are pure functions of their arguments (no I/O, no shared
 * mutable state), so they are safe in any number of worker threads.
 */
export interface ColumnTypeDefinition<Name extends string = string> {
  /** The type's name, which is also its key in COLUMN_TYPES. */
  readonly type: Name;
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
  /**
   * The PostgreSQL type a dataset column of this type is stored as. Every
   * non-empty output of normalize is in the canonical text form of this type
   * (ISO dates, plain decimals, true/false), so the cast when rows are merged
   * into a dataset cannot reinterpret it; an empty value is stored as NULL.
   * Numbers are `numeric`: exact, never rounded, any size.
   */
  readonly sqlType: SqlType;
  /**
   * True when the result is a function of (raw value, options) alone:
   * normalize never reads the RowContext, so a row normalizer remembers its
   * results per raw value. False for types that format and check by the
   * row's country (postal_code, region): remembered per row country.
   */
  readonly contextFree: boolean;
  /**
   * True when every output has a fixed grammar that no spreadsheet runs as a
   * formula (a leading + or - is a sign there, and must stay as written), so
   * output files write it as is. False puts the outputs through formula
   * neutralizing (a cell starting with = + - @ TAB or CR gets a leading
   * apostrophe), which is always safe.
   */
  readonly formulaSafe: boolean;
}
