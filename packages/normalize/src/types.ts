import type { ErrorCode } from './errors.ts';

/** Every column type this package can normalize. Adding one: a module + a registry entry. */
export type ColumnType = 'text' | 'email' | 'phone';

export interface NormalizeOptions {
  /** ISO 3166-1 alpha-2 region for phone numbers written without a country code, e.g. 'US'. */
  phoneRegion: string;
}

export type CellResult =
  | { ok: true; value: string }
  | { ok: false; code: ErrorCode; message: string };

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  required: boolean;
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
  normalize(raw: string, options: NormalizeOptions): CellResult;
  /**
   * Header names that mean this type, as header keys: lower case letters and
   * digits only, without diacritics ("E-Mail Address" -> "emailaddress").
   */
  readonly headerSynonyms: readonly string[];
}
