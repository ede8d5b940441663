import { isBlank } from './clean-text.ts';
import type {
  CellResult,
  ColumnTypeDefinition,
  NormalizeOptions,
  RowContext,
} from './column-type.ts';
import { ERROR_CODES } from './errors.ts';
import { booleanType } from './types/boolean.ts';
import { companyType } from './types/company.ts';
import { countryType } from './types/country.ts';
import { dateType } from './types/date.ts';
import { datetimeType } from './types/datetime.ts';
import { emailType } from './types/email.ts';
import { nameType } from './types/name.ts';
import { currencyType, integerType, numberType, percentType } from './types/number.ts';
import { phoneType } from './types/phone.ts';
import { postalCodeType } from './types/postal-code.ts';
import { regionType } from './types/region.ts';
import { textType } from './types/text.ts';
import { urlType } from './types/url.ts';

/**
 * Every column type's definition, by name. Order matters for header
 * inference: earlier types win a synonym.
 */
const DEFINITIONS = {
  text: textType,
  email: emailType,
  phone: phoneType,
  name: nameType,
  company: companyType,
  date: dateType,
  datetime: datetimeType,
  country: countryType,
  region: regionType,
  postal_code: postalCodeType,
  currency: currencyType,
  percent: percentType,
  integer: integerType,
  number: numberType,
  boolean: booleanType,
  url: urlType,
};

/** Every column type this package can normalize: the names in COLUMN_TYPES. */
export type ColumnType = keyof typeof DEFINITIONS;

/**
 * Every column type, by name. The type says that each entry is a complete
 * definition registered under its own name: a definition missing a fact, or
 * entered under another type's name, does not compile.
 */
export const COLUMN_TYPES: Readonly<{ [Name in ColumnType]: ColumnTypeDefinition<Name> }> =
  Object.freeze(DEFINITIONS);

export const COLUMN_TYPE_NAMES: readonly ColumnType[] = Object.freeze(
  Object.keys(COLUMN_TYPES) as ColumnType[],
);

/** The names of the column types whose definitions have `fact` true. */
function typesWith(fact: 'contextFree' | 'formulaSafe'): ReadonlySet<ColumnType> {
  return new Set(COLUMN_TYPE_NAMES.filter((type) => COLUMN_TYPES[type][fact]));
}

/**
 * Column types whose result is a function of (raw value, options) alone
 * (ColumnTypeDefinition.contextFree): they never read the RowContext. The
 * others (postal_code, region: they format and check by the row's country)
 * are remembered per row country (createRowNormalizer).
 */
export const CONTEXT_FREE_TYPES: ReadonlySet<ColumnType> = typesWith('contextFree');

/**
 * Column types whose outputs no spreadsheet runs as a formula
 * (ColumnTypeDefinition.formulaSafe): output files write their values as
 * they are, and neutralize the other types' values.
 */
export const FORMULA_SAFE_TYPES: ReadonlySet<ColumnType> = typesWith('formulaSafe');

/** True for the name of a column type this package knows (for validating requests). */
export function isColumnType(name: string): name is ColumnType {
  return Object.hasOwn(COLUMN_TYPES, name);
}

/**
 * Normalizes one cell. Blank input (empty, whitespace or invisible characters
 * only) gives an empty value for every type; whether that is acceptable is the
 * row's business (required columns). An invalid value gives an error code,
 * never an exception. An unknown `type` is a caller bug and throws TypeError:
 * validate types from outside with isColumnType.
 */
export function normalizeValue(
  type: ColumnType,
  raw: string,
  options: NormalizeOptions,
  context: RowContext = {},
): CellResult {
  if (!isColumnType(type)) throw new TypeError(`Unknown column type ${JSON.stringify(type)}`);
  return normalizeKnown(type, raw, options, context);
}

/** The empty value of every type for a blank cell: one shared frozen result. */
const BLANK_RESULT: CellResult = Object.freeze({ ok: true, value: '' });

/**
 * normalizeValue for a type already known to be a column type (the row
 * normalizer checks its columns' types once, not per cell).
 */
export function normalizeKnown(
  type: ColumnType,
  raw: string,
  options: NormalizeOptions,
  context: RowContext,
): CellResult {
  if (isBlank(raw)) return BLANK_RESULT;
  try {
    return COLUMN_TYPES[type].normalize(raw, options, context);
  } catch (error) {
    return {
      ok: false,
      code: ERROR_CODES.normalizationFailed,
      message: `Could not normalize the value as ${type}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
