import type { ParsedDecimal } from './number-parsed.ts';

/**
 * parseDecimal's answer for the most common numeric cell, plain ASCII digits
 * and nothing else (`42`, `100234`, `007`: row ids, counts, zip-like codes
 * in integer columns), without its general reading; undefined for any
 * other value. For such a value the general code finds no affix, no
 * separator (so neither the locale nor preferDecimal can matter) and no
 * exponent: the integer digits without leading zeros ('0' for zeros only),
 * no fraction, positive.
 */
export function plainDigits(raw: string): ParsedDecimal | undefined {
  const n = raw.length;
  if (n === 0) return undefined;
  let start = -1;
  for (let i = 0; i < n; i++) {
    const code = raw.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return undefined;
    if (start === -1 && code !== 0x30) start = i;
  }
  return {
    sign: 1,
    integerDigits: start === -1 ? '0' : start === 0 ? raw : raw.slice(start),
    fractionDigits: '',
    percent: false,
    scientific: false,
  };
}
