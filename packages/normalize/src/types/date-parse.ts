/**
 * Reading calendar dates, for the date and datetime types (date.ts,
 * datetime.ts), and the calendar arithmetic they share.
 *
 * Accepted forms (in text that had the base cleaning; the date type drops a
 * time written after the date first, see date.ts):
 * - numeric with `/`, `.`, `-` or a space between the parts: `1990-07-04`,
 *   `1990-7-4`, `1988/7/4`, `04.07.1985`, `12/25/1970`, `03/04/24`;
 * - month names in English (full or abbreviated, any case, with or without
 *   commas, ordinals, weekday, "of"): `July 4, 1979`, `4 Jul 1992`,
 *   `4th of July 1979`, `Jul-04-1979`, `Thursday, July 4, 1979`,
 *   `2024-Mar-04`; and in Spanish, French, German and Dutch
 *   (`4 de julio de 1979`, `1er août 2024`, `4. März 2024`, `4 maart 2024`).
 *   A weekday is ignored, never checked against the date;
 * - compact `YYYYMMDD` (`19900704`, 8 digits with a valid month and day);
 * - Excel serial day numbers (1900 date system), plain integers of up to 5
 *   digits, optionally with a zero fraction (`45355`, `45355.0`).
 *
 * Which number is the year: a 4-digit part, else a part above 31, else the
 * year comes first for the order YMD and last otherwise. With the year first
 * the order is always year-month-day.
 *
 * Day and month with the year last:
 * - A value that decides itself is read that way whatever order was given:
 *   `12/25/1970` is 25 December (25 cannot be a month) even in a DMY column,
 *   `31/12/2000` is 31 December even in an MDY one. The order only resolves
 *   values that it is needed for.
 * - Dotted dates (`04.07.1985`) are day-first: the dot is the day-first
 *   convention (de, nl, ru, pl, cs, ...), nobody writes month-first with
 *   dots, so this holds even when the column's order says MDY.
 * - Otherwise `NormalizeOptions.dateOrder` (the job's, or the column's from
 *   inferDateOrder) decides; without one, `03/04/2024` is `ambiguous_date`.
 *
 * Two-digit years use a fixed pivot (deterministic, unlike a window that
 * slides with today's date): 00-49 are 2000-2049, 50-99 are 1950-1999.
 *
 * Excel serials: serial 1 is 1900-01-01. Excel believes 1900 was a leap year
 * (a Lotus 1-2-3 compatibility bug), so serial 60 is the day that never
 * existed, 1900-02-29 (reported as invalid_date), and every serial from 61 on
 * is one day later than a plain count from 1899-12-31: 61 is 1900-03-01,
 * 45355 is 2024-03-04. A bare 4-digit number from 1000 to 2999 is taken for a
 * year alone (`1985`), not for a serial of 1902-1908, and reported.
 *
 * Output years are 0001-9999. Invalid calendar dates (`31/02/2000`,
 * `2023-02-29`) are `invalid_date` with the reason in the message.
 */

import type { DateOrder } from '../column-type.ts';
import { MONTH_ABBREVIATIONS, MONTH_NAMES_EN, MONTH_WORDS, SKIPPED_WORDS } from './date-data.ts';

/** Cells longer than this are not dates; checking first bounds all work on huge cells. */
export const MAX_DATE_INPUT = 100;

/** Two-digit years below this are 20xx, the others 19xx. */
const TWO_DIGIT_YEAR_PIVOT = 50;

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/**
 * The outcome of reading a date. `unrecognized`: not a date form at all;
 * `invalid`: a date form with impossible values (31/02/2000); `ambiguous`:
 * day and month cannot be told apart (03/04/2024 with no order).
 */
export type DateParse =
  | ({ ok: true } & CalendarDate)
  | { ok: false; kind: 'unrecognized' | 'invalid' | 'ambiguous'; message: string };

/** Month word (or abbreviation, lower case without diacritics) -> month number, built once. */
export const MONTHS: ReadonlyMap<string, number> = (() => {
  const map = new Map<string, number>();
  const clash = new Set<string>();
  MONTH_WORDS.forEach((words, index) => {
    for (const word of words) {
      for (let length = 3; length <= word.length; length++) {
        const prefix = word.slice(0, length);
        const known = map.get(prefix);
        if (known !== undefined && known !== index + 1) clash.add(prefix);
        map.set(prefix, index + 1);
      }
    }
  });
  for (const prefix of clash) map.delete(prefix);
  for (const [word, month] of Object.entries(MONTH_ABBREVIATIONS)) map.set(word, month);
  return map;
})();

// All patterns are anchored and free of nested quantifiers: linear time.
const NUMERIC = /^(\d{1,4})([/.\- ])(\d{1,2})\2(\d{1,4})\.?$/;
const SPACES_AROUND_SEPARATOR = /\s*([/.-])\s*/g;
const HAS_SPACE = /\s/;
const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const SERIAL = /^(\d{1,5})(?:\.0+)?$/;
const MARKS = /\p{M}+/gu;
const TOKEN_SEPARATORS = /[\s,./-]+/;
const PLAIN_NUMBER = /^\d{1,4}$/;
const ORDINAL = /^(\d{1,2})(?:st|nd|rd|th|er|re|e|eme|ème|º|ª|°)$/;
const APOSTROPHE_YEAR = /^['’](\d{2})$/;

/** Excel serial of 1900-03-01, the first day after the nonexistent 1900-02-29. */
const SERIAL_AFTER_FAKE_LEAP_DAY = 61;
/** Days from 1899-12-30 (Excel's real day zero for serials >= 61) to 1970-01-01. */
const SERIAL_EPOCH_OFFSET = 25569;
const MS_PER_DAY = 86_400_000;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `YYYY-MM-DD`. */
export function formatDate(date: CalendarDate): string {
  return `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`;
}

/** Quotes user input for a message, cut short so a huge value cannot bloat the report. */
function quote(s: string): string {
  return s.length > 40 ? `'${s.slice(0, 40)}…'` : `'${s}'`;
}

function unrecognized(message: string): DateParse {
  return { ok: false, kind: 'unrecognized', message };
}

function invalid(message: string): DateParse {
  return { ok: false, kind: 'invalid', message };
}

/** A year written with 2 digits, through the fixed pivot. */
export function expandYear(digits: string): number {
  const n = Number(digits);
  if (digits.length !== 2) return n;
  return n < TWO_DIGIT_YEAR_PIVOT ? 2000 + n : 1900 + n;
}

/** Checks year, month and day; the message says what is wrong. */
export function checkDate(year: number, month: number, day: number): DateParse {
  if (year < 1 || year > 9999) return invalid(`the year ${year} is out of range (1-9999)`);
  if (month < 1 || month > 12) return invalid(`there is no month ${month}`);
  const last = daysInMonth(year, month);
  const monthName = MONTH_NAMES_EN[month - 1] ?? '';
  if (day < 1) return invalid(`there is no day ${day}`);
  if (day > last) {
    if (month === 2 && day === 29) {
      return invalid(`${year} is not a leap year, so February ${year} has no day 29`);
    }
    return invalid(
      `${monthName} ${year} has only ${last} days, so there is no ${monthName} ${day}`,
    );
  }
  return { ok: true, year, month, day };
}

/**
 * Day and month of a year-last numeric date (`a sep b sep year`): decides
 * by itself when it can, else by the dot convention, else by `order`.
 */
function dayMonth(
  a: number,
  b: number,
  dotted: boolean,
  order: DateOrder | undefined,
): { day: number; month: number } | { ambiguous: true } | { invalid: string } {
  if (a > 12 && b > 12) return { invalid: `neither ${a} nor ${b} can be a month` };
  if (a > 12) return { day: a, month: b };
  if (b > 12) return { day: b, month: a };
  if (a === b) return { day: a, month: b };
  if (dotted || order === 'DMY') return { day: a, month: b };
  if (order === 'MDY') return { day: b, month: a };
  return { ambiguous: true };
}

function describeDayMonth(day: number, month: number): string {
  return `${day} ${MONTH_NAMES_EN[month - 1] ?? ''}`;
}

function parseNumeric(match: RegExpExecArray, order: DateOrder | undefined): DateParse {
  const [, first = '', separator = '', middle = '', last = ''] = match;
  if (first.length === 3 || last.length === 3)
    return unrecognized('a 3-digit year is not supported');
  let yearFirst: boolean;
  if (first.length === 4 && last.length === 4) return unrecognized('two parts look like years');
  if (first.length === 4) yearFirst = true;
  else if (last.length === 4) yearFirst = false;
  else if (Number(first) > 31 && Number(last) <= 31) yearFirst = true;
  else if (Number(last) > 31) yearFirst = false;
  else yearFirst = order === 'YMD';
  const yearDigits = yearFirst ? first : last;
  if (yearDigits.length !== 2 && yearDigits.length !== 4) {
    return unrecognized('the year must have 2 or 4 digits');
  }
  if (yearFirst) {
    return checkDate(expandYear(first), Number(middle), Number(last));
  }
  const year = expandYear(last);
  const a = Number(first);
  const b = Number(middle);
  const decided = dayMonth(a, b, separator === '.', order);
  if ('invalid' in decided) return invalid(decided.invalid);
  if ('ambiguous' in decided) {
    return {
      ok: false,
      kind: 'ambiguous',
      message:
        `${quote(match[0])} could be ${describeDayMonth(a, b)} or ${describeDayMonth(b, a)} ${year}: ` +
        'the day/month order is not known (set the date order to DMY or MDY)',
    };
  }
  return checkDate(year, decided.month, decided.day);
}

type Token =
  | { kind: 'month'; month: number }
  | { kind: 'number'; digits: string; ordinal: boolean; apostrophe: boolean };

function readToken(word: string): Token | undefined {
  const month = MONTHS.get(word);
  if (month !== undefined) return { kind: 'month', month };
  if (PLAIN_NUMBER.test(word))
    return { kind: 'number', digits: word, ordinal: false, apostrophe: false };
  const ordinal = ORDINAL.exec(word);
  if (ordinal)
    return { kind: 'number', digits: ordinal[1] ?? '', ordinal: true, apostrophe: false };
  const year = APOSTROPHE_YEAR.exec(word);
  if (year) return { kind: 'number', digits: year[1] ?? '', ordinal: false, apostrophe: true };
  return undefined;
}

/** `July 4, 1979`, `4 Jul 1992`, `4th of July 1979`, `Jul-04-1979`, `2024-Mar-04`, `4 de julio de 1979`. */
function parseWords(text: string): DateParse {
  const words = text
    .normalize('NFD')
    .replace(MARKS, '')
    .toLowerCase()
    .split(TOKEN_SEPARATORS)
    .filter((w) => w !== '' && !SKIPPED_WORDS.has(w));
  const tokens: Token[] = [];
  for (const word of words) {
    const token = readToken(word);
    if (token === undefined) return unrecognized('not a recognized date');
    tokens.push(token);
  }
  const months = tokens.filter((t) => t.kind === 'month');
  if (months.length === 0) return unrecognized('not a recognized date');
  if (months.length > 1) return unrecognized('more than one month name');
  if (tokens.length === 2) return invalid('a month and a year but no day');
  if (tokens.length !== 3) return unrecognized('not a recognized date');
  const [t0, t1, t2] = tokens;
  let day: Token | undefined;
  let year: Token | undefined;
  let month: number;
  if (t0?.kind === 'month') {
    // July 4 1979
    month = t0.month;
    day = t1;
    year = t2;
  } else if (t1?.kind === 'month') {
    month = t1.month;
    // 1979 July 4 / 2024-Mar-04, else 4 July 1979
    const yearFirst = t0?.kind === 'number' && (t0.digits.length === 4 || t0.apostrophe);
    day = yearFirst ? t2 : t0;
    year = yearFirst ? t0 : t2;
  } else {
    return unrecognized('not a recognized date');
  }
  if (day?.kind !== 'number' || year?.kind !== 'number') {
    return unrecognized('not a recognized date');
  }
  if (day.digits.length > 2 || day.apostrophe) return unrecognized('not a recognized date');
  if (year.ordinal || (year.digits.length !== 2 && year.digits.length !== 4)) {
    return unrecognized('the year must have 2 or 4 digits');
  }
  return checkDate(expandYear(year.digits), month, Number(day.digits));
}

/** Excel serial day number (1900 system, integer) to a calendar date. */
export function excelSerialToDate(serial: number): DateParse {
  if (serial === 0)
    return invalid('the Excel serial 0 is not a date (Excel shows it as 1900-01-00)');
  if (serial === 60) {
    return invalid(
      'the Excel serial 60 is 1900-02-29, a day that does not exist (Excel leap-year bug)',
    );
  }
  // Serials before 61 count from 1899-12-31, the others from 1899-12-30.
  const days = serial < SERIAL_AFTER_FAKE_LEAP_DAY ? serial + 1 : serial;
  const date = new Date((days - SERIAL_EPOCH_OFFSET) * MS_PER_DAY);
  return {
    ok: true,
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
  };
}

/**
 * Reads a date (no time part) from cleaned text. `serials`: whether a plain
 * number is an Excel serial (the date type), or not a date at all.
 */
export function parseDate(text: string, order: DateOrder | undefined, serials = true): DateParse {
  if (text.length > MAX_DATE_INPUT) return unrecognized('too long to be a date');
  const s = text.replace(DASHES, '-');
  const compact = COMPACT.exec(s);
  if (compact) {
    const [, y = '', m = '', d = ''] = compact;
    const checked = checkDate(Number(y), Number(m), Number(d));
    return checked.ok
      ? checked
      : invalid(`${quote(s)} is not a valid YYYYMMDD date: ${checked.message}`);
  }
  const serial = SERIAL.exec(s);
  if (serial) {
    if (!serials) return unrecognized('a plain number is not a date');
    const digits = serial[1] ?? '';
    const n = Number(digits);
    if (digits.length === 4 && n >= 1000 && n <= 2999) {
      return invalid(`${digits} looks like a year alone; a date needs a month and a day`);
    }
    return excelSerialToDate(n);
  }
  // Without whitespace the replacement would give `s` back: skip building it.
  const numeric = NUMERIC.exec(HAS_SPACE.test(s) ? s.replace(SPACES_AROUND_SEPARATOR, '$1') : s);
  if (numeric) return parseNumeric(numeric, order);
  return parseWords(s);
}

/** The value of the ASCII digits text[from, to), or -1 when one is not a digit (or there are none). */
function digitsAt(text: string, from: number, to: number): number {
  if (from >= to) return -1;
  let n = 0;
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return -1;
    n = n * 10 + code - 0x30;
  }
  return n;
}

/**
 * The most common numeric dates read without regular expressions, as
 * parseDate reads them: `YYYY-MM-DD` and `YYYY/M/D` (year first), `M/D/YYYY`
 * and `D-M-YYYY` (year last, 4 digits, day and month decided as dayMonth
 * does), separators `-` or `/` used twice the same, nothing else in the
 * text (no time, no space, so neither withoutTime, `YYYYMMDD` nor a serial
 * applies). The ISO date when it is valid; undefined for anything else
 * (invalid, ambiguous, or another form), which parseDate then explains.
 */
export function fastNumericDate(text: string, order: DateOrder | undefined): string | undefined {
  let first = 0;
  while (first < text.length && text.charCodeAt(first) >= 0x30 && text.charCodeAt(first) <= 0x39) {
    first += 1;
  }
  const separator = text[first];
  if (first === 0 || (separator !== '-' && separator !== '/')) return undefined;
  const second = text.indexOf(separator, first + 1);
  if (second < 0) return undefined;
  // digitsAt refuses anything but digits, a third separator included.
  const a = digitsAt(text, 0, first);
  const b = digitsAt(text, first + 1, second);
  const c = digitsAt(text, second + 1, text.length);
  if (a < 0 || b < 0 || c < 0 || second - first - 1 > 2) return undefined;
  let checked: DateParse;
  if (first === 4 && text.length - second - 1 <= 2) {
    checked = checkDate(a, b, c);
  } else if (first <= 2 && text.length - second - 1 === 4) {
    const decided = dayMonth(a, b, false, order);
    if (!('day' in decided)) return undefined;
    checked = checkDate(c, decided.month, decided.day);
  } else {
    return undefined;
  }
  return checked.ok ? formatDate(checked) : undefined;
}

/**
 * The parts of a numeric date (`a sep b sep c`: groups 1 to 4 are a, the
 * separator, b and c), read with dashes unified and without spaces around
 * the separators; null for text of any other form.
 */
export function matchNumericDate(text: string): RegExpExecArray | null {
  return NUMERIC.exec(text.replace(DASHES, '-').replace(SPACES_AROUND_SEPARATOR, '$1'));
}

/** Excel serials and `YYYYMMDD`: the dates written as plain numbers. */
export function isPlainNumberDate(text: string): boolean {
  return SERIAL.test(text) || COMPACT.test(text);
}
