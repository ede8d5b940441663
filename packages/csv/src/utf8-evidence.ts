/**
 * What a stretch of bytes says about being UTF-8: how many multi-byte
 * sequences are valid UTF-8 and how many bytes start an invalid one. Text in
 * a legacy 8-bit or East Asian encoding almost never forms valid multi-byte
 * UTF-8 (é in Windows-1252 is E9 followed by ASCII), while UTF-8 text with a
 * damaged byte still consists mostly of valid sequences.
 */
export interface Utf8Evidence {
  /** Valid sequences of 2 to 4 bytes. */
  valid: number;
  /** Bytes at which no valid sequence starts (each counted once). */
  invalid: number;
}

/**
 * Counts over `bytes`; a sequence cut by the end is not counted unless
 * `complete` (then the end is the end of the file, and it is invalid).
 */
export function utf8Evidence(bytes: Uint8Array, complete: boolean): Utf8Evidence {
  let valid = 0;
  let invalid = 0;
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    const need =
      b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
    if (need === 0) {
      invalid += 1;
      i += 1;
      continue;
    }
    // The second byte's range is narrower after E0, ED, F0 and F4 (no
    // overlong forms, no surrogates, nothing past U+10FFFF).
    const low = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const high = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    let k = 1;
    while (k <= need && i + k < n) {
      const c = bytes[i + k]!;
      if (k === 1 ? c < low || c > high : c < 0x80 || c > 0xbf) break;
      k += 1;
    }
    if (k > need) {
      valid += 1;
      i += k;
    } else if (i + k >= n && !complete) {
      break; // cut by the end of the sample: no evidence either way
    } else {
      invalid += 1;
      i += 1;
    }
  }
  return { valid, invalid };
}

/** Index of the first byte above 0x7F at or after `from`, or -1. */
export function firstNonAscii(bytes: Uint8Array, from = 0): number {
  for (let i = from; i < bytes.length; i++) if (bytes[i]! >= 0x80) return i;
  return -1;
}
