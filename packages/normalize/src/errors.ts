/**
 * Stable error codes of cell normalization. They appear in error reports,
 * metrics labels and the HTTP API: never rename one, only add.
 */
export const ERROR_CODES = {
  /** A required column has no value. */
  required: 'required',
  invalidEmail: 'invalid_email',
  /**
   * A valid internationalized e-mail address (UTF-8 local part or IDN
   * domain) in a job that refuses them (internationalEmail: refuse).
   */
  internationalEmail: 'international_email',
  invalidPhone: 'invalid_phone',
  invalidName: 'invalid_name',
  invalidDate: 'invalid_date',
  /** Day/month order cannot be decided (e.g. 03/04/2024 with no order given or inferable). */
  ambiguousDate: 'ambiguous_date',
  invalidDatetime: 'invalid_datetime',
  unknownTimeZone: 'unknown_time_zone',
  unknownCountry: 'unknown_country',
  invalidPostalCode: 'invalid_postal_code',
  unknownRegion: 'unknown_region',
  invalidCompany: 'invalid_company',
  invalidNumber: 'invalid_number',
  /**
   * `1.234` or `1,234` in a number column that uses both '.' and ',' as the
   * decimal separator: thousands or decimals cannot be told (set locale).
   */
  ambiguousNumber: 'ambiguous_number',
  invalidInteger: 'invalid_integer',
  invalidCurrency: 'invalid_currency',
  invalidPercent: 'invalid_percent',
  invalidBoolean: 'invalid_boolean',
  invalidUrl: 'invalid_url',
  /**
   * A normalizer failed unexpectedly (a bug, reported per cell so that one bad
   * value cannot take its chunk down).
   */
  normalizationFailed: 'normalization_failed',
  // Validation rules (rules/): checked on the normalized value of a non-empty cell.
  /** The value does not match the column's `pattern`. */
  patternMismatch: 'pattern_mismatch',
  /** The value is none of the column's `enum` values nor one of its `synonyms`. */
  notInEnum: 'not_in_enum',
  /** A number or date below the column's `min`. */
  belowMin: 'below_min',
  /** A number or date above the column's `max`. */
  aboveMax: 'above_max',
  /** Fewer characters than the column's `minLength`. */
  tooShort: 'too_short',
  /** More characters than the column's `maxLength`. */
  tooLong: 'too_long',
  /** A cross-field rule of the row failed (`compare`, `requiredWhen`). */
  ruleFailed: 'rule_failed',
  /**
   * A `unique` column's value already occurred on an earlier line of the
   * file (reported on each later line when the job is finalized).
   */
  duplicateInFile: 'duplicate_in_file',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];
