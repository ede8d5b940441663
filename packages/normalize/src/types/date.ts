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

/** Cleans a date cell and reads it; the date type's whole parsing. */
function readDate(raw: string, order: DateOrder | undefined): DateParse {
  const text = cleanText(raw);
  if (text.length > MAX_DATE_INPUT) {
    return { ok: false, kind: 'unrecognized', message: 'too long to be a date' };
  }
  return parseDate(withoutTime(text), order);
}

/** `1990-07-04`, `04.07.1985`, `July 4, 1979`, `45355` -> ISO `YYYY-MM-DD`. */
function normalizeDate(raw: string, options: NormalizeOptions): CellResult {
  if (FAST_PATHS.enabled) {
    const text = cleanAscii(raw);
    const fast = text === undefined ? undefined : fastNumericDate(text, options.dateOrder);
    if (fast !== undefined) return { ok: true, value: fast };
  }
  const parsed = readDate(raw, options.dateOrder);
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
    const text = cleanText(raw);
    if (text === '' || text.length > MAX_DATE_INPUT) continue;
    const match = matchNumericDate(withoutTime(text));
    if (!match) continue;
    const [, first = '', separator = '', middle = '', last = ''] = match;
    const a = Number(first);
    const b = Number(middle);
    if (first.length === 4 || (first.length <= 2 && a > 31 && Number(last) <= 31)) {
      evidence.YMD += 1;
    } else if (last.length === 4 || last.length === 2) {
      if (a > 12 && b <= 12) evidence.DMY += 1;
      else if (b > 12 && a <= 12) evidence.MDY += 1;
      else if (a <= 12 && b <= 12 && a !== b && separator !== '.') open += 1;
    }
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
