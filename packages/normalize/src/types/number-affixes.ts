/**
 * What surrounds the digits of a number (see number-parse.ts): signs,
 * accounting parentheses, percent signs and currency markers (symbols and
 * ISO 4217 codes, the symbol tables in number-data.ts).
 */

import { SYMBOLS, WORD_SYMBOLS } from './number-data.ts';

export const MINUS_SIGNS = new Set(['-', '\u2212', '\u2013', '\uFE63', '\uFF0D']);
export const PLUS_SIGNS = new Set(['+', '\uFF0B']);
const PERCENT_SIGNS = new Set(['%', '\u066A', '\uFF05', '\uFE6A']);
/** Letters and currency symbols: the characters of a currency marker such as `R$`, `kr`, `USD`. */
const MARKER_CHAR = /^[\p{L}\p{Sc}]$/u;
const LETTER = /^\p{L}$/u;
export const ISO_CODE = /^[A-Za-z]{3}$/;

/** ISO 4217 codes the runtime knows (active currencies). */
const ISO_CODES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/** A currency marker's ISO code (null: a currency, but not one we can name), or undefined if it is none. */
export function resolveMarker(marker: string): string | null | undefined {
  const symbol = SYMBOLS.get(marker);
  if (symbol !== undefined) return symbol;
  if (ISO_CODE.test(marker)) {
    const code = marker.toUpperCase();
    if (ISO_CODES.has(code)) return code;
  }
  return WORD_SYMBOLS.get(marker.toLowerCase());
}

/** What surrounds the digits: signs, parentheses, currency markers, percent signs. */
export interface Affixes {
  minus: number;
  plus: number;
  open: number;
  close: number;
  percent: number;
  markers: string[];
}

/**
 * Takes signs, parentheses, percent signs and currency markers off both ends
 * of `s` (counting them in `a`) and answers where the digits in between
 * start and end. Each character is looked at once.
 */
export function peelAffixes(s: string, a: Affixes): { start: number; end: number } {
  let i = 0;
  while (i < s.length) {
    const ch = s[i] ?? '';
    if (ch === ' ') i += 1;
    else if (ch === '(') {
      a.open += 1;
      i += 1;
    } else if (MINUS_SIGNS.has(ch)) {
      a.minus += 1;
      i += 1;
    } else if (PLUS_SIGNS.has(ch)) {
      a.plus += 1;
      i += 1;
    } else if (PERCENT_SIGNS.has(ch)) {
      a.percent += 1;
      i += 1;
    } else if (MARKER_CHAR.test(ch)) {
      let j = i + 1;
      while (j < s.length && MARKER_CHAR.test(s[j] ?? '')) j += 1;
      // `Rs.`, `kr.`, `Fr.`: an abbreviation's dot belongs to it.
      if (s[j] === '.' && LETTER.test(s[j - 1] ?? '')) j += 1;
      a.markers.push(s.slice(i, j));
      i = j;
    } else break;
  }
  let end = s.length;
  while (end > i) {
    const ch = s[end - 1] ?? '';
    if (ch === ' ') end -= 1;
    else if (ch === ')') {
      a.close += 1;
      end -= 1;
    } else if (MINUS_SIGNS.has(ch)) {
      a.minus += 1;
      end -= 1;
    } else if (PERCENT_SIGNS.has(ch)) {
      a.percent += 1;
      end -= 1;
    } else if (MARKER_CHAR.test(ch) || (ch === '.' && LETTER.test(s[end - 2] ?? ''))) {
      let j = ch === '.' ? end - 2 : end - 1;
      while (j > i && MARKER_CHAR.test(s[j - 1] ?? '')) j -= 1;
      a.markers.push(s.slice(j, end));
      end = j;
    } else break;
  }
  return { start: i, end };
}
