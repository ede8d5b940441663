/**
 * Fast paths of the date type for the written-out forms (`Mar 5, 2021`,
 * `5 March 2021`, `05-Mar-2021`, `2021-Mar-05`, `Thursday, July 4th 1979`)
 * and for numeric dates with a time after a `T` (`1985-03-04T00:00:00`):
 * read without regular expressions or Unicode normalization, as the
 * general code (date.ts's readDate, then date-parse.ts's parseDate and
 * parseWords) reads them, with its tables and its calendar check. Each
 * answers the ISO date when the value is a valid date of its shape, and
 * undefined for anything else, which the general code then explains.
 * fast-paths.test.ts and date-fast.test.ts compare both on many values.
 */
import type { DateOrder } from '../column-type.ts';
import { SKIPPED_WORDS } from './date-data.ts';
import {
  checkDate,
  expandYear,
  fastNumericDate,
  formatDate,
  MAX_DATE_INPUT,
  MONTHS,
} from './date-parse.ts';

const isDigit = (code: number) => code >= 0x30 && code <= 0x39;
const isLetter = (code: number) => (code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a;
/** parseWords' TOKEN_SEPARATORS in text cleaned to ASCII (its only whitespace is a space). */
const isSeparator = (code: number) =>
  code === 0x20 || code === 0x2c || code === 0x2e || code === 0x2f || code === 0x2d;

/** date-parse.ts's ORDINAL suffixes that are ASCII, in lower case. */
const ORDINAL_SUFFIXES: ReadonlySet<string> = new Set([
  'st',
  'nd',
  'rd',
  'th',
  'er',
  're',
  'e',
  'eme',
]);

/**
 * True when the letters at `at` may start the am/pm of a time right after
 * the number before them (date.ts's TIME_AFTER_DATE: digits, at most one
 * space, then `am`, `a.m`, `PM`, ...): withoutTime would cut the value there.
 * With today's tables no month name, skipped word or ordinal suffix starts
 * that way, so such a value is left to the general code anyway; this keeps
 * the fast path right without relying on that.
 */
function mayBeMeridiem(text: string, at: number): boolean {
  const before = at > 0 && text.charCodeAt(at - 1) === 0x20 ? at - 2 : at - 1;
  if (before < 0 || !isDigit(text.charCodeAt(before))) return false;
  const first = text.charCodeAt(at) | 0x20;
  if (first !== 0x61 && first !== 0x70) return false;
  const next = text.charCodeAt(at + 1) === 0x2e ? at + 2 : at + 1;
  return (text.charCodeAt(next) | 0x20) === 0x6d;
}

// The (at most three) tokens of the value being read: one module-wide set,
// so that reading allocates nothing but the month word. Scratch space of one
// synchronous call: written before it is read, nothing carries over.
const NUMBER = 0;
const MONTH = 1;
const kinds = new Uint8Array(3);
/** A month's number, or where a number's digits start. */
const values = new Int32Array(3);
/** A number's digit count. */
const lengths = new Int32Array(3);
const ordinals = new Uint8Array(3);

/**
 * A written-out date in ASCII text (cleanAscii's result), read as
 * parseWords reads it: words split at spaces, commas, periods, slashes and
 * dashes, in lower case; weekdays and filler words (SKIPPED_WORDS) left
 * out; a month name or prefix (MONTHS), plain numbers of up to 4 digits
 * and ordinals (`4th`, `1er`); exactly three tokens with one month, in the
 * orders month-day-year, day-month-year or year-month-day. Any other word
 * (an apostrophe year, a word that is no month, a time) leaves the value to
 * the general code, as do invalid dates.
 */
export function fastWordDate(text: string): string | undefined {
  if (text.length > MAX_DATE_INPUT) return undefined;
  let count = 0;
  let monthAt = -1;
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (isSeparator(code)) {
      i += 1;
      continue;
    }
    const start = i;
    if (isDigit(code)) {
      while (i < text.length && isDigit(text.charCodeAt(i))) i += 1;
      const digitsEnd = i;
      while (i < text.length && isLetter(text.charCodeAt(i))) i += 1;
      if (i < text.length && !isSeparator(text.charCodeAt(i))) return undefined;
      const digits = digitsEnd - start;
      let ordinal = 0;
      if (i > digitsEnd) {
        if (digits > 2 || mayBeMeridiem(text, digitsEnd)) return undefined;
        if (!ORDINAL_SUFFIXES.has(text.slice(digitsEnd, i).toLowerCase())) return undefined;
        ordinal = 1;
      } else if (digits > 4) {
        return undefined;
      }
      if (count === 3) return undefined;
      kinds[count] = NUMBER;
      values[count] = start;
      lengths[count] = digits;
      ordinals[count] = ordinal;
      count += 1;
    } else if (isLetter(code)) {
      while (i < text.length && isLetter(text.charCodeAt(i))) i += 1;
      if (i < text.length && !isSeparator(text.charCodeAt(i))) return undefined;
      if (mayBeMeridiem(text, start)) return undefined;
      const word = text.slice(start, i).toLowerCase();
      if (SKIPPED_WORDS.has(word)) continue;
      const month = MONTHS.get(word);
      if (month === undefined || monthAt >= 0 || count === 3) return undefined;
      monthAt = count;
      kinds[count] = MONTH;
      values[count] = month;
      count += 1;
    } else {
      return undefined;
    }
  }
  if (count !== 3) return undefined;
  let day: number;
  let year: number;
  if (monthAt === 0) {
    day = 1;
    year = 2;
  } else if (monthAt === 1) {
    // 1979 July 4 / 2024-Mar-04, else 4 July 1979.
    const yearFirst = lengths[0] === 4;
    day = yearFirst ? 2 : 0;
    year = yearFirst ? 0 : 2;
  } else {
    return undefined;
  }
  const dayDigits = lengths[day]!;
  const yearDigits = lengths[year]!;
  if (dayDigits > 2 || ordinals[year] === 1 || (yearDigits !== 2 && yearDigits !== 4)) {
    return undefined;
  }
  const yearStart = values[year]!;
  const dayStart = values[day]!;
  const checked = checkDate(
    expandYear(text.slice(yearStart, yearStart + yearDigits)),
    values[monthAt]!,
    Number(text.slice(dayStart, dayStart + dayDigits)),
  );
  return checked.ok ? formatDate(checked) : undefined;
}

/**
 * A numeric date that fastNumericDate reads, followed by a time that starts
 * with `T` (`1985-03-04T00:00:00`, `12/25/1970t9:30`): withoutTime cuts the
 * value at that `T` (the date before it has no space or comma, so no earlier
 * place matches), and the date alone is read.
 */
export function fastDateBeforeTime(text: string, order: DateOrder | undefined): string | undefined {
  if (text.length > MAX_DATE_INPUT) return undefined;
  let t = 0;
  while (t < text.length && (text.charCodeAt(t) | 0x20) !== 0x74) t += 1;
  if (t === 0 || t === text.length || !isDigit(text.charCodeAt(t - 1))) return undefined;
  // T, then H or HH, then :MM (TIME_AFTER_DATE's first form).
  let colon = t + 1;
  while (colon < text.length && isDigit(text.charCodeAt(colon))) colon += 1;
  const hourDigits = colon - t - 1;
  if (hourDigits < 1 || hourDigits > 2 || text.charCodeAt(colon) !== 0x3a) return undefined;
  if (!isDigit(text.charCodeAt(colon + 1)) || !isDigit(text.charCodeAt(colon + 2)))
    return undefined;
  return fastNumericDate(text.slice(0, t), order);
}
