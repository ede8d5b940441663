/**
 * What one value of a number column says about the column's decimal
 * separator, for profile.ts: `.` or `,` when the value can only be read
 * with that one as the decimal separator (`12.5`, `1,234.50`, `0.125`;
 * `12,5`, `1.234,50`), undefined otherwise, including the values the three-digit
 * rule reads (`1.234`, `1,234`: number-parse.ts) and grouping alone
 * (`1,234,567`). Conservative: a value it gives no answer for proves
 * nothing. It runs on every value of such a column while an upload
 * streams: one pass over the characters, nothing allocated.
 */

const DOT = 0x2e;
const COMMA = 0x2c;
const isDigit = (code: number) => code >= 0x30 && code <= 0x39;

export function decimalEvidence(raw: string): '.' | ',' | undefined {
  let dots = 0;
  let commas = 0;
  let last = -1;
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (code === DOT) dots += 1;
    else if (code === COMMA) commas += 1;
    else continue;
    last = i;
  }
  if (last === -1) return undefined;
  const separator = raw.charCodeAt(last) === DOT ? '.' : ',';
  const lastCount = separator === '.' ? dots : commas;
  let after = 0;
  while (isDigit(raw.charCodeAt(last + 1 + after))) after += 1;
  if (after === 0 || !isDigit(raw.charCodeAt(last - 1))) return undefined;
  // `1,234.50`: both, the last once, is the decimal one.
  if (dots > 0 && commas > 0) return lastCount === 1 ? separator : undefined;
  if (lastCount !== 1) return undefined;
  // One separator once: decimal unless the three-digit rule may read it as
  // grouping (one to three digits not starting with 0, then exactly three).
  let head = 0;
  while (isDigit(raw.charCodeAt(last - 1 - head))) head += 1;
  const groupable = after === 3 && head <= 3 && raw.charCodeAt(last - head) !== 0x30;
  return groupable ? undefined : separator;
}

/** Counts of a column's values by the decimal separator they prove. */
export interface SeparatorEvidence {
  '.': number;
  ',': number;
}

/** A minority of at most this share of the proofs is taken for slips, as for dates. */
const STRAY_SHARE = 0.01;

/**
 * Whether a number column's separators are in doubt: both proven as the
 * decimal one, neither a stray minority. Then its values that only the
 * three-digit rule reads (`1.234`) are ambiguous_number, each one, instead
 * of 1234: the column says `.` may be its decimal separator as well as `,`.
 * Otherwise every value decides for itself, as without a column.
 */
export function separatorDoubt(e: SeparatorEvidence): string | undefined {
  const dot = e['.'];
  const comma = e[','];
  if (dot === 0 || comma === 0) return undefined;
  if (Math.min(dot, comma) <= (dot + comma) * STRAY_SHARE) return undefined;
  const values = (n: number) => `${n} value${n === 1 ? '' : 's'}`;
  return `conflicting decimal separators: ${values(dot)} only read with '.', ${values(comma)} only with ','; values such as 1.234 or 1,234 are reported as ambiguous_number instead of guessed (set locale)`;
}

/**
 * decimalEvidence of the UTF-8 value in bytes[start, end), read from the
 * bytes (the profiler runs it on every value of such a column while an
 * upload streams). The same answer: it only looks at digits, `.` and `,`,
 * all ASCII, and the bytes of a multi-byte character are none of them, as
 * the character is not (number-evidence.test.ts compares the two).
 */
export function decimalEvidenceBytes(
  bytes: Uint8Array,
  start: number,
  end: number,
): '.' | ',' | undefined {
  const at = (i: number) => (i >= start && i < end ? bytes[i]! : -1);
  let dots = 0;
  let commas = 0;
  let last = -1;
  for (let i = start; i < end; i++) {
    const code = bytes[i]!;
    if (code === DOT) dots += 1;
    else if (code === COMMA) commas += 1;
    else continue;
    last = i;
  }
  if (last === -1) return undefined;
  const separator = bytes[last] === DOT ? '.' : ',';
  const lastCount = separator === '.' ? dots : commas;
  let after = 0;
  while (isDigit(at(last + 1 + after))) after += 1;
  if (after === 0 || !isDigit(at(last - 1))) return undefined;
  if (dots > 0 && commas > 0) return lastCount === 1 ? separator : undefined;
  if (lastCount !== 1) return undefined;
  let head = 0;
  while (isDigit(at(last - 1 - head))) head += 1;
  const groupable = after === 3 && head <= 3 && at(last - head) !== 0x30;
  return groupable ? undefined : separator;
}
