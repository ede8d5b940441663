/**
 * Reading numbers as people write them (parseDecimal), for the number,
 * integer, currency and percent types (number.ts). It works on digit
 * strings, never on floating point.
 *
 * Separators. With `options.locale` the locale fixes the decimal separator
 * (from Intl.NumberFormat(locale).formatToParts): `1,500` is 1500 in `en` and
 * 1.5 in `de`; every other separator (its group separator, spaces,
 * apostrophes, and '.' or ',' when that is not the decimal one) may group
 * digits. Without a locale each value decides for itself:
 * - '.' and ',' both present: the last one is the decimal separator
 *   (`1,234.50`, `1.234,50`);
 * - one of them several times: grouping (`1,234,567`, `1.234.567`);
 * - one of them once: grouping when exactly three digits follow and one to
 *   three digits (not starting with 0) precede it and nothing else groups the
 *   number (`1,500` and `1.500` are 1500), else decimal (`1,5`, `1.5`,
 *   `0.500`, `1234.567`, `1 234,567`, `1.5e3`); in percent columns and
 *   values with a percent sign always decimal (`33.333%`: percentages of a
 *   thousand and more are rare, thirds are not);
 * - spaces of any kind (NBSP, thin, narrow), apostrophes (`1'234.50`,
 *   `1’234.50`) and the Arabic thousands separator always group; the Arabic
 *   decimal separator is always decimal.
 * Groups are checked: three digits after a first group of one to three
 * (`1,234,567`) or the Indian two-digit grouping (`12,34,567`); `1,2345` is
 * decimal, `12 34` and `1.234.56` are errors.
 *
 * Around the digits: a sign (`-`, unicode minus `−`, en dash, `+`) before or a
 * minus after (`15.25-`), accounting parentheses (`(15.25)` = -15.25), one
 * currency symbol or ISO 4217 code on either side or both (`$`, `US$`, `R$`,
 * `€`, `£`, `¥`, `₩`, `₹`, `kr`, `CHF`, `USD 10`, `10 EUR`, `$5 USD`), a
 * percent sign on either side (`12.5%`, Turkish `%12,5`). Digits of any
 * Unicode decimal numbering system (`١٢٣`, full-width `１２３`) are read, one
 * system per value. Scientific notation (`1.5e3`) is accepted in number
 * columns only.
 *
 * A locale Intl does not know is ignored (values are read as without one);
 * isSupportedNumberLocale validates it.
 */

import { cleanText } from '../clean-text.ts';
import { FAST_PATHS } from '../fast-paths.ts';
import {
  type Affixes,
  ISO_CODE,
  MINUS_SIGNS,
  PLUS_SIGNS,
  peelAffixes,
  resolveMarker,
} from './number-affixes.ts';
import { plainDigits } from './number-fast.ts';
import type { DecimalError, ParsedDecimal } from './number-parsed.ts';

/** An exponent beyond this is refused: `1e999999999` would expand to a billion digits. */
const MAX_EXPONENT = 1000;

const DECIMAL_DIGIT = /^\p{Nd}$/u;
const NON_ZERO = /[1-9]/;
const LEADING_ZEROS = /^0+/;

/** Separator characters, each mapped to its canonical form. */
const SEPARATORS: ReadonlyMap<string, string> = new Map([
  ['.', '.'],
  [',', ','],
  ['\uFF0E', '.'], // full-width full stop
  ['\uFF0C', ','], // full-width comma
  [' ', ' '], // every Unicode space is ' ' after cleanText
  ["'", "'"],
  ['\u2019', "'"], // right single quotation mark, as in 1’234
  ['\u02BC', "'"], // modifier letter apostrophe
  ['\u2032', "'"], // prime
  ['\u066B', '\u066B'], // Arabic decimal separator
  ['\u066C', '\u066C'], // Arabic thousands separator
]);
const ARABIC_DECIMAL = '\u066B';
/** Separators that can only group digits when no locale is given. */
const GROUP_ONLY = new Set([' ', "'", '\u066C']);

/** Quotes user input for a message, cut short so a huge value cannot bloat the report. */
function quote(s: string): string {
  return s.length > 40 ? `'${s.slice(0, 40)}…'` : `'${s}'`;
}

interface Separators {
  /** Canonical decimal separator of the locale. */
  decimal: string;
}

// Constructing an Intl.NumberFormat costs far more than parsing a value: one
// per locale, kept (bounded, so hostile option values cannot grow it).
const localeCache = new Map<string, Separators | null>();
const LOCALE_CACHE_LIMIT = 64;

function lookupSeparators(locale: string): Separators | null {
  try {
    const parts = new Intl.NumberFormat(locale).formatToParts(1234567.5);
    const decimal = parts.find((p) => p.type === 'decimal')?.value;
    const canonical = decimal === undefined ? undefined : SEPARATORS.get(cleanText(decimal) || ' ');
    if (canonical === undefined || GROUP_ONLY.has(canonical)) return null;
    return { decimal: canonical };
  } catch {
    return null;
  }
}

/** The locale's separators; null for a locale Intl rejects (values are then read without one). */
function localeSeparators(locale: string): Separators | null {
  let separators = localeCache.get(locale);
  if (separators === undefined) {
    separators = lookupSeparators(locale);
    if (localeCache.size >= LOCALE_CACHE_LIMIT) localeCache.clear();
    localeCache.set(locale, separators);
  }
  return separators;
}

/** True when `locale` is a BCP 47 tag Intl accepts for reading numbers (for validating options). */
export function isSupportedNumberLocale(locale: string): boolean {
  return localeSeparators(locale) !== null;
}

/** The digits and separators of the number itself, split into runs of ASCII digits. */
interface Body {
  /** Digit runs; runs[k] and runs[k + 1] are separated by seps[k]. */
  runs: string[];
  /** Canonical separators between the runs. */
  seps: string[];
  /** The exponent after `e`/`E`, or undefined without one. */
  exponent: number | undefined;
}

/**
 * The digit value of a Unicode decimal digit. Unicode keeps every decimal
 * numbering system in runs of ten code points from 0 to 9 (some runs back to
 * back), so the value is the distance from the start of the run, modulo 10.
 */
function zeroOf(cp: number): number {
  let start = cp;
  while (start > 0 && DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start -= 1;
  return cp - ((cp - start) % 10);
}

function describeChar(ch: string): string {
  return ch === ' ' ? 'a space' : `'${ch}'`;
}

function scanBody(body: string): Body | DecimalError {
  const runs: string[] = [];
  const seps: string[] = [];
  let run = '';
  let zero = -1; // the numbering system's zero, once a digit was seen
  let digits = 0;
  let exponentDigits: string | undefined;
  let exponentNegative = false;
  let exponentSigned = false;
  let zeros: Map<number, number> | undefined;
  for (const ch of body) {
    const cp = ch.codePointAt(0) ?? 0;
    let value = -1;
    if (cp >= 0x30 && cp <= 0x39) value = cp - 0x30;
    else if (DECIMAL_DIGIT.test(ch)) {
      zeros ??= new Map();
      let z = zeros.get(cp);
      if (z === undefined) {
        z = zeroOf(cp);
        zeros.set(cp, z);
      }
      value = cp - z;
    }
    if (value >= 0) {
      const z = cp - value;
      if (zero === -1) zero = z;
      else if (zero !== z) return { reason: 'it mixes digits of different scripts' };
      if (exponentDigits === undefined) {
        run += String(value);
        digits += 1;
      } else exponentDigits += String(value);
      continue;
    }
    if (exponentDigits !== undefined) {
      if (exponentDigits === '' && !exponentSigned && (MINUS_SIGNS.has(ch) || PLUS_SIGNS.has(ch))) {
        exponentSigned = true;
        exponentNegative = MINUS_SIGNS.has(ch);
        continue;
      }
      return { reason: `${describeChar(ch)} is not allowed in an exponent` };
    }
    if ((ch === 'e' || ch === 'E') && digits > 0) {
      exponentDigits = '';
      continue;
    }
    const sep = SEPARATORS.get(ch);
    if (sep === undefined) return { reason: `${describeChar(ch)} is not allowed in a number` };
    if (run === '' && seps.length > 0) return { reason: 'two separators in a row' };
    runs.push(run);
    seps.push(sep);
    run = '';
  }
  runs.push(run);
  if (digits === 0) return { reason: 'no digits' };
  let exponent: number | undefined;
  if (exponentDigits !== undefined) {
    if (exponentDigits === '') return { reason: 'the exponent has no digits' };
    const magnitude = exponentDigits.replace(LEADING_ZEROS, '');
    if (magnitude.length > 4 || Number(magnitude) > MAX_EXPONENT) {
      return { reason: `the exponent is beyond ±${MAX_EXPONENT}` };
    }
    exponent = exponentNegative ? -Number(magnitude) : Number(magnitude);
  }
  return { runs, seps, exponent };
}

/** Index (in seps) of the decimal separator, -1 for none, or the reason the separators are contradictory. */
function findDecimal(
  b: Body,
  locale: Separators | null,
  preferDecimal: boolean,
  doubt: boolean,
): number | DecimalError {
  const { runs, seps } = b;
  if (seps.length === 0) return -1;
  let decimal = -1;
  if (locale !== null) {
    for (let k = 0; k < seps.length; k += 1) {
      const sep = seps[k];
      if (sep !== locale.decimal && sep !== ARABIC_DECIMAL) continue;
      if (decimal !== -1) return { reason: `more than one decimal separator ${quote(sep ?? '')}` };
      decimal = k;
    }
    return decimal;
  }
  // No locale: the Arabic decimal separator is one, else '.' and ',' decide.
  let last = -1;
  let mixed = false;
  for (let k = 0; k < seps.length; k += 1) {
    const sep = seps[k] ?? '';
    if (sep === ARABIC_DECIMAL) {
      if (decimal !== -1) return { reason: 'more than one decimal separator' };
      decimal = k;
    } else if (sep === '.' || sep === ',') {
      if (last !== -1 && seps[last] !== sep) mixed = true;
      last = k;
    }
  }
  if (decimal !== -1 || last === -1) return decimal;
  const sep = seps[last];
  let count = 0;
  for (const s of seps) if (s === sep) count += 1;
  if (mixed) {
    // `1,234.50`, `1.234,50`: the last one is decimal, and only once.
    if (count > 1) return { reason: `more than one decimal separator ${quote(sep ?? '')}` };
    return last;
  }
  if (count > 1) return -1; // `1,234,567`: grouping
  // A single '.' or ','. Grouping only when it can be: alone, after one to
  // three digits not starting with 0, before exactly three, no exponent.
  const head = runs[0] ?? '';
  const groups =
    !preferDecimal &&
    seps.length === 1 &&
    b.exponent === undefined &&
    head.length >= 1 &&
    head.length <= 3 &&
    head[0] !== '0' &&
    runs[1]?.length === 3;
  if (groups && doubt) {
    const n = `${head}${sep}${runs[1]}`;
    return {
      reason: `${quote(n)} reads as ${head}${runs[1]} or as ${head}.${runs[1]}`,
      ambiguous: true,
    };
  }
  return groups ? -1 : last;
}

/** True for `1,234,567` (threes) or `12,34,567` (Indian: twos, then three). */
function validGrouping(runs: readonly string[]): boolean {
  const head = runs[0] ?? '';
  if (head === '' || head[0] === '0') return false;
  const tail = runs.slice(1);
  if (head.length <= 3 && tail.every((r) => r.length === 3)) return true;
  return (
    tail.length >= 2 &&
    head.length <= 2 &&
    tail[tail.length - 1]?.length === 3 &&
    tail.slice(0, -1).every((r) => r.length === 2)
  );
}

export interface ParseOptions {
  /**
   * Without a locale, read a single '.' or ',' as the decimal separator even
   * before exactly three digits (`33.333` is 33.333, not 33333). Percent
   * columns ask for it; values written with a percent sign always get it.
   */
  preferDecimal?: boolean;
  /**
   * The column proves both '.' and ',' as decimal separators (profile.ts):
   * a value only the three-digit rule would read (`1.234`) is ambiguous.
   */
  doubt?: boolean | undefined;
}

/**
 * Reads a number as written by people: see the module comment for the rules.
 * Pure and linear in the length of `raw`; digits are kept as strings.
 */
export function parseDecimal(
  raw: string,
  locale?: string,
  options?: ParseOptions,
): ParsedDecimal | DecimalError {
  const fast = FAST_PATHS.enabled ? plainDigits(raw) : undefined;
  if (fast !== undefined) return fast;
  const s = cleanText(raw);
  if (s === '') return { reason: 'no digits' };
  const a: Affixes = { minus: 0, plus: 0, open: 0, close: 0, percent: 0, markers: [] };
  const { start, end } = peelAffixes(s, a);
  if (start >= end) {
    const words = a.markers.some((m) => resolveMarker(m) === undefined);
    return { reason: words ? `${quote(s)} is not a number` : 'no digits' };
  }
  if (a.open !== a.close) return { reason: 'unbalanced parentheses' };
  if (a.open > 1) return { reason: 'too many parentheses' };
  if (a.minus + a.plus + a.open > 1) return { reason: 'more than one sign' };
  if (a.percent > 1) return { reason: 'more than one percent sign' };
  const body = scanBody(s.slice(start, end));
  if ('reason' in body) return body;
  if (a.markers.length > 2) return { reason: 'too much text around the number' };
  let currency: string | undefined;
  let currencySymbol: string | undefined;
  for (const marker of a.markers) {
    const code = resolveMarker(marker);
    if (code === undefined) {
      const what = ISO_CODE.test(marker) ? 'a known currency code' : 'a currency symbol';
      return { reason: `${quote(marker)} is not ${what}` };
    }
    if (code !== null && currency !== undefined && code !== currency) {
      return { reason: 'two different currencies' };
    }
    currency = code ?? currency;
    currencySymbol ??= marker;
  }
  const separators = locale === undefined || locale === '' ? null : localeSeparators(locale);
  const preferDecimal = a.percent > 0 || options?.preferDecimal === true;
  const decimal = findDecimal(body, separators, preferDecimal, options?.doubt === true);
  if (typeof decimal !== 'number') return decimal;
  const { runs, seps } = body;
  if (decimal !== -1 && decimal !== seps.length - 1) {
    return { reason: 'a separator after the decimal separator' };
  }
  const integerRuns = decimal === -1 ? runs : runs.slice(0, -1);
  const groupSeps = decimal === -1 ? seps : seps.slice(0, -1);
  if (groupSeps.length > 0) {
    const group = groupSeps[0];
    if (groupSeps.some((sep) => sep !== group)) return { reason: 'mixed group separators' };
    if (group === ARABIC_DECIMAL) return { reason: 'more than one decimal separator' };
    if (!validGrouping(integerRuns)) {
      return { reason: `digits grouped wrongly around ${describeChar(group ?? '')}` };
    }
  }
  let integerDigits = integerRuns.join('');
  let fractionDigits = decimal === -1 ? '' : (runs[runs.length - 1] ?? '');
  if (body.exponent !== undefined) {
    const digits = integerDigits + fractionDigits;
    const point = integerDigits.length + body.exponent;
    if (point <= 0) {
      integerDigits = '';
      fractionDigits = '0'.repeat(-point) + digits;
    } else if (point >= digits.length) {
      integerDigits = digits + '0'.repeat(point - digits.length);
      fractionDigits = '';
    } else {
      integerDigits = digits.slice(0, point);
      fractionDigits = digits.slice(point);
    }
  }
  integerDigits = integerDigits.replace(LEADING_ZEROS, '') || '0';
  const negative =
    (a.minus > 0 || a.open > 0) && (NON_ZERO.test(integerDigits) || NON_ZERO.test(fractionDigits));
  const parsed: ParsedDecimal = {
    sign: negative ? -1 : 1,
    integerDigits,
    fractionDigits,
    percent: a.percent > 0,
    scientific: body.exponent !== undefined,
  };
  if (currency !== undefined) parsed.currency = currency;
  if (currencySymbol !== undefined) parsed.currencySymbol = currencySymbol;
  return parsed;
}
