/**
 * Stable error codes of cell normalization. They appear in error reports,
 * metrics labels and the HTTP API: never rename one, only add.
 */
export const ERROR_CODES = {
  /** A required column has no value. */
  required: 'required',
  invalidEmail: 'invalid_email',
  invalidPhone: 'invalid_phone',
  /**
   * A normalizer failed unexpectedly (a bug, reported per cell so that one bad
   * value cannot take its chunk down).
   */
  normalizationFailed: 'normalization_failed',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];
