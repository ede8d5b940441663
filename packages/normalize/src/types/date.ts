/**
 * Calendar dates to ISO 8601 `YYYY-MM-DD`, in every form date-parse.ts
 * reads (numeric in the column's or the job's order, month names in five
 * languages, `YYYYMMDD`, Excel serials; the rules are there). A time written
 * after the date, `1990-07-04T10:00:00Z` or `12/25/1970 10:00 PM`, is dropped
 * and the date is kept as written, without converting it to another zone.
 */

import { cleanAscii, cleanText } from '../clean-text.ts';
import type {
  CellResult,
  ColumnTypeDefinition,
  DateOrder,
  NormalizeOptions,
} from '../column-type.ts';
import { ERROR_CODES } from '../errors.ts';
import { FAST_PATHS } from '../fast-paths.ts';
import { fastDateBeforeTime, fastWordDate } from './date-fast.ts';
import {
  type DateParse,
  fastNumericDate,
  formatDate,
  isPlainNumberDate,
  MAX_DATE_INPUT,
  matchNumericDate,
  parseDate,
} from './date-parse.ts';

/**
 * Where a time starts after a date: `T` right after a digit, or a space or
 * comma (optionally `at` / `@`), then `H:MM` or `H am|pm`.
 */
const TIME_AFTER_DATE =
  /(?:(?<=\d)[Tt]|[\s,]+(?:at\s+|@\s*|um\s+|à\s+)?)\d{1,2}(?::\d{2}|\s?[AaPp]\.?[Mm]\b)/;

/** The text before a time written after the date (`1990-07-04T10:00:00Z` -> `1990-07-04`). */
function withoutTime(text: string): string {
  const time = TIME_AFTER_DATE.exec(text);
  return time ? text.slice(0, time.index) : text;
}

/** Reads a cleaned date cell; the date type's whole parsing. */
function readDate(text: string, order: DateOrder | undefined): DateParse {
  if (text.length > MAX_DATE_INPUT) {
    return { ok: false, kind: 'unrecognized', message: 'too long to be a date' };
  }
  return parseDate(withoutTime(text), order);
}

/** The fast paths' date for ASCII text (cleanAscii's result), or undefined. */
function fastDate(text: string, order: DateOrder | undefined): string | undefined {
  const lead = text.charCodeAt(0);
  if (lead >= 0x30 && lead <= 0x39) {
    return fastNumericDate(text, order) ?? fastDateBeforeTime(text, order) ?? fastWordDate(text);
  }
  return fastWordDate(text);
}

/** `1990-07-04`, `04.07.1985`, `July 4, 1979`, `45355` -> ISO `YYYY-MM-DD`. */
function normalizeDate(raw: string, options: NormalizeOptions): CellResult {
  let text: string | undefined;
  if (FAST_PATHS.enabled) {
    // For ASCII, cleanAscii's answer is cleanText's: the general code below reuses it.
    text = cleanAscii(raw);
    const fast = text === undefined ? undefined : fastDate(text, options.dateOrder);
    if (fast !== undefined) return { ok: true, value: fast };
  }
  const parsed = readDate(text ?? cleanText(raw), options.dateOrder);
  if (parsed.ok) return { ok: true, value: formatDate(parsed) };
  if (parsed.kind === 'ambiguous') {
    return {
      ok: false,
      code: ERROR_CODES.ambiguousDate,
      message: `Ambiguous date: ${parsed.message}`,
    };
  }
  return {
    ok: false,
    code: ERROR_CODES.invalidDate,
    message: `Not a valid date: ${parsed.message}`,
  };
}

/**
 * A value has a date's shape: a numeric or written-out date, valid or not,
 * with no time after it. Plain numbers (Excel serials, YYYYMMDD) do not count:
 * too many number and ID columns would look like dates.
 */
function looksLikeDate(raw: string): boolean {
  const text = cleanText(raw);
  if (text.length > MAX_DATE_INPUT || TIME_AFTER_DATE.test(text)) return false;
  if (isPlainNumberDate(text)) return false;
  const parsed = parseDate(text, undefined, false);
  return parsed.ok || parsed.kind !== 'unrecognized';
}

type NumericDateParts = readonly [first: string, separator: string, middle: string, last: string];

/**
 * The parts of a cell that is a numeric date (time after it ignored), as
 * inferDateOrder weighs them; undefined for any other cell. This runs on
 * every value of a date column while an upload streams, so the common
 * cells skip the regular expressions when FAST_PATHS allow, with the same
 * answer: printable ASCII without a digit can be no numeric date, and
 * `digits sep digits sep digits` with one of / . - and nothing else is
 * its own match (no time to cut, no dash or space to unify).
 */
function numericDateParts(raw: string): NumericDateParts | undefined {
  if (FAST_PATHS.enabled) {
    const text = cleanAscii(raw);
    if (text !== undefined) {
      // Nothing before the first character can be cut or replaced: a
      // numeric date starts with a digit.
      const lead = text.charCodeAt(0);
      if (text === '' || !hasAsciiDigit(text) || lead < 0x30 || lead > 0x39) return undefined;
      const plain = plainNumericDate(text);
      // Right after the date: the end, or a time that starts with T (the
      // first place withoutTime could cut, the date has no T, space or comma).
      if (plain !== undefined) {
        TIME_AT.lastIndex = plain.end;
        if (plain.end === text.length || TIME_AT.test(text)) return plain.parts;
      }
    }
  }
  const text = cleanText(raw);
  if (text === '' || text.length > MAX_DATE_INPUT) return undefined;
  const match = matchNumericDate(withoutTime(text));
  if (!match) return undefined;
  const [, first = '', separator = '', middle = '', last = ''] = match;
  return [first, separator, middle, last];
}

/** TIME_AFTER_DATE's T form, at one place (sticky). */
const TIME_AT = /[Tt]\d{1,2}(?::\d{2}|\s?[AaPp]\.?[Mm]\b)/y;

function hasAsciiDigit(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x30 && code <= 0x39) return true;
  }
  return false;
}

/** Length of the run of ASCII digits starting at `from`. */
function digitRun(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code < 0x30 || code > 0x39) break;
    i += 1;
  }
  return i - from;
}

/**
 * `1-4 digits, sep, 1-2 digits, the same sep, 1-4 digits` (sep one of / . -)
 * at the start of `text`, and where it ends.
 */
function plainNumericDate(text: string): { parts: NumericDateParts; end: number } | undefined {
  const a = digitRun(text, 0);
  if (a < 1 || a > 4) return undefined;
  const separator = text.charCodeAt(a);
  if (separator !== 0x2f && separator !== 0x2e && separator !== 0x2d) return undefined;
  const b = digitRun(text, a + 1);
  if (b < 1 || b > 2 || text.charCodeAt(a + 1 + b) !== separator) return undefined;
  const cStart = a + b + 2;
  const c = digitRun(text, cStart);
  if (c < 1 || c > 4) return undefined;
  const end = cStart + c;
  const parts = [
    text.slice(0, a),
    text[a]!,
    text.slice(a + 1, a + 1 + b),
    text.slice(cStart, end),
  ] as const;
  return { parts, end };
}

/** What a cell can prove about its column's day/month order (dateOrderProof). */
export type DateOrderProof = DateOrder | 'DMY.' | 'MDY.' | 'open';

/**
 * What one cell says about its column's numeric date order, with the
 * separator convention apart (date-order-decision.ts weighs them): proves
 * DMY, MDY or YMD, or DMY. / MDY. for a dotted value (`25.03.2024`), is
 * `open` (03/04/2024: either order reads it), or says nothing (undefined).
 * Returns constants only: it runs on every value of a date column.
 */
export function dateOrderProof(raw: string): DateOrderProof | undefined {
  const parts = numericDateParts(raw);
  if (parts === undefined) return undefined;
  const [first, separator, middle, last] = parts;
  const a = Number(first);
  const b = Number(middle);
  if (first.length === 4 || (first.length <= 2 && a > 31 && Number(last) <= 31)) return 'YMD';
  if (last.length === 4 || last.length === 2) {
    const dotted = separator === '.';
    if (a > 12 && b <= 12) return dotted ? 'DMY.' : 'DMY';
    if (b > 12 && a <= 12) return dotted ? 'MDY.' : 'MDY';
    if (a <= 12 && b <= 12 && a !== b && !dotted) return 'open';
  }
  return undefined;
}

/**
 * What one cell says about its column's numeric date order (see
 * inferDateOrder): dateOrderProof without the separator apart.
 */
function dateOrderEvidence(raw: string): DateOrder | 'open' | undefined {
  const proof = dateOrderProof(raw);
  if (proof === 'DMY.') return 'DMY';
  if (proof === 'MDY.') return 'MDY';
  return proof;
}

export interface DateOrderInference {
  /** The order for the column's ambiguous values; undefined when nothing decides it. */
  order: DateOrder | undefined;
  /** 0..1: share of the deciding values that agree with `order` (0 without an order). */
  confidence: number;
  /**
   * Values that prove an order: DMY (first part > 12, second <= 12, year
   * last), MDY (second part > 12, first <= 12, year last), YMD (year first:
   * 4 digits, or a 2-digit part above 31).
   */
  evidence: { DMY: number; MDY: number; YMD: number };
  /**
   * True when the column holds numeric dates whose day/month order is open
   * (`03/04/2024`) and the evidence does not settle it (no DMY/MDY evidence,
   * or as much of one as of the other).
   */
  ambiguous: boolean;
}

/**
 * Looks at a whole column (or any stream of its values: the evidence counts
 * add up) to decide its numeric date order. Day-first and month-first
 * evidence decide the order (the majority, confidence = its share); a column
 * with only year-first evidence gets YMD. Dotted dates and values that are
 * not numeric dates are left out (they do not need the order), as are values
 * where both parts exceed 12.
 */
export function inferDateOrder(values: Iterable<string>): DateOrderInference {
  const evidence = { DMY: 0, MDY: 0, YMD: 0 };
  let open = 0;
  for (const raw of values) {
    const proof = dateOrderEvidence(raw);
    if (proof === 'open') open += 1;
    else if (proof !== undefined) evidence[proof] += 1;
  }
  const dayMonthEvidence = evidence.DMY + evidence.MDY;
  let order: DateOrder | undefined;
  let confidence = 0;
  if (evidence.DMY > evidence.MDY) order = 'DMY';
  else if (evidence.MDY > evidence.DMY) order = 'MDY';
  else if (dayMonthEvidence === 0 && evidence.YMD > 0) order = 'YMD';
  if (order === 'DMY' || order === 'MDY') confidence = evidence[order] / dayMonthEvidence;
  else if (order === 'YMD') confidence = 1;
  const settled = order === 'DMY' || order === 'MDY';
  return { order, confidence, evidence, ambiguous: open > 0 && !settled };
}

export const dateType: ColumnTypeDefinition<'date'> = {
  type: 'date',
  sqlType: 'date',
  contextFree: true,
  formulaSafe: false,
  normalize: normalizeDate,
  headerSynonyms: [
    'date',
    'dates',
    'dob',
    'dateofbirth',
    'birthdate',
    'birthday',
    'birthdt',
    'bday',
    'datenaissance',
    'datedenaissance',
    'fechanacimiento',
    'fechadenacimiento',
    'geburtsdatum',
    'geboortedatum',
    'createdon',
    'createddate',
    'datecreated',
    'creationdate',
    'modifiedon',
    'updatedon',
    'signupdate',
    'registrationdate',
    'joindate',
    'joineddate',
    'joinedon',
    'hiredate',
    'startdate',
    'enddate',
    'duedate',
    'orderdate',
    'invoicedate',
    'paymentdate',
    'purchasedate',
    'shipdate',
    'deliverydate',
    'expirydate',
    'expirationdate',
    'effectivedate',
    'issuedate',
    'closedate',
    'transactiondate',
    'fecha',
    'datum',
  ],
  looksLike: looksLikeDate,
};
