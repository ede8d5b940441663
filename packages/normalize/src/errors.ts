/**
 * Stable error codes of cell normalization. They appear in error reports,
 * metrics labels and the HTTP API: never rename one, only add.
 */
export const ERROR_CODES = {
  /** A required column has no value. */
  required: 'required',
  invalidEmail: 'invalid_email',
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
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];
