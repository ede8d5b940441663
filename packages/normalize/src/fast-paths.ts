/**
 * The normalizers' fast paths (types/phone-fast.ts, name-fast.ts,
 * company-fast.ts, number-fast.ts, date-fast.ts and the ASCII shortcuts in
 * email.ts, date-parse.ts and postal-code.ts) answer the common shapes of values without
 * the general code, and must give byte for byte what it gives. This switch
 * turns them all off, so that differential tests (fast-paths.test.ts and
 * the *-fast.test.ts files) can compare the two on the same values.
 * (cleanText's own shortcuts, cleanAscii and cleanLatin, are not switched:
 * clean-ascii.test.ts and latin-letters.test.ts compare them with the full
 * cleaning.)
 */
export const FAST_PATHS = { enabled: true };

/** Runs `fn` with every fast path off (for differential tests). */
export function withoutFastPaths<T>(fn: () => T): T {
  FAST_PATHS.enabled = false;
  try {
    return fn();
  } finally {
    FAST_PATHS.enabled = true;
  }
}
