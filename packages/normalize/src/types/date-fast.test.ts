/**
 * Differential test of the date fast paths for written-out dates and for
 * numeric dates with a `T` time (date-fast.ts): generated values in the
 * shapes they take and the ones around them (other languages, ordinals,
 * weekdays and filler words, two-digit and apostrophe years, invalid
 * calendar dates, am/pm and clock times next to the numbers, odd spacing
 * and case), normalized with the fast paths on and off in every date order.
 */
import { describe, expect, it } from 'vitest';
import { differences, generate, type Pick, recase } from '../fast-path-test-helpers.ts';
import { fastDateBeforeTime, fastWordDate } from './date-fast.ts';

const MONTHS = [
  'January',
  'Jan',
  'Feb',
  'February',
  'Mar',
  'March',
  'Apr',
  'April',
  'May',
  'June',
  'Jul',
  'Aug',
  'Sep',
  'Sept',
  'Oct',
  'Nov',
  'Dec',
  'December',
  'enero',
  'mars',
  'juin',
  'jui',
  'juillet',
  'Mrz',
  'maart',
  'Okt',
  'août',
  'März',
  'févr',
  'Ma',
  'Marc',
  'Marchh',
  'am',
  'pm',
];
const FILLERS = ['of', 'the', 'de', 'Thursday', 'thu', 'Sun', 'Sat', 'le', 'den', 'at'];
const YEARS = [
  '2021',
  '1979',
  '21',
  '79',
  '00',
  '49',
  '50',
  '1900',
  '2000',
  '2024',
  '2023',
  '0000',
  '123',
  '12345',
  "'21",
  '9999',
];
const SEPARATORS = [' ', ' ', ', ', '-', '/', '.', '. ', ',', '  ', ' - '];

function day(r: () => number, pick: Pick): string {
  const d = Math.floor(r() * 33);
  const x = r();
  if (x < 0.6) return String(d);
  if (x < 0.75) return String(d).padStart(2, '0');
  if (x < 0.9)
    return `${d}${pick(['st', 'nd', 'rd', 'th', 'TH', 'er', 'e', 'eme', 'x', 'am', 'pm', 'PM', 'a'])}`;
  return pick(['031', '0', '29', '30', '31', '5a.m.', '5 a.m.', '5 pm']);
}

function writtenDate(r: () => number, pick: Pick): string {
  const month = recase(r, pick(MONTHS));
  const d = day(r, pick);
  const y = pick(YEARS);
  const s1 = pick(SEPARATORS);
  const s2 = pick(SEPARATORS);
  const x = r();
  let text: string;
  if (x < 0.35) text = `${month}${s1}${d}${s2}${y}`;
  else if (x < 0.7) text = `${d}${s1}${month}${s2}${y}`;
  else if (x < 0.8) text = `${y}${s1}${month}${s2}${d}`;
  else if (x < 0.85) text = `${d}${s1}${y}${s2}${month}`;
  else if (x < 0.9) text = `${recase(r, pick(FILLERS))}${pick([', ', ' '])}${month} ${d}, ${y}`;
  else if (x < 0.93) text = `${d} ${recase(r, pick(FILLERS))} ${month} ${y}`;
  else if (x < 0.95) text = `${month} ${y}`;
  else if (x < 0.97)
    text = `${month} ${d} ${y} ${pick(['10:00', '10 PM', '9pm', '9 a.m.', 'T10:00', '12'])}`;
  else text = `${month} ${d} ${month} ${y}`;
  const y2 = r();
  if (y2 < 0.05) text = ` ${text}  `;
  else if (y2 < 0.07) text = `\t${text}\r\n`;
  else if (y2 < 0.08) text = text.replace(' ', '\u00a0');
  return text;
}

function timedDate(r: () => number, pick: Pick): string {
  const y = pick(['1985', '2024', '2023', '85', '0000']);
  const m = String(Math.floor(r() * 14)).padStart(r() < 0.8 ? 2 : 1, '0');
  const d = String(Math.floor(r() * 33)).padStart(r() < 0.8 ? 2 : 1, '0');
  const sep = pick(['-', '/', '-', '.']);
  const date = r() < 0.6 ? `${y}${sep}${m}${sep}${d}` : `${m}${sep}${d}${sep}${y}`;
  const time = pick([
    'T00:00:00',
    'T10:00:00Z',
    't9:30',
    'T1:00',
    'T123:00',
    'T1',
    'T10:0',
    'T10:00 PM',
    'Tx',
    'T',
    'T 10:00',
    'T10:00T11:00',
    ' 10:00',
    'T9pm',
  ]);
  return `${date}${time}`;
}

const ORDERS = [undefined, 'MDY', 'DMY', 'YMD'] as const;

describe('date fast path for written-out dates', () => {
  it('gives what the general code gives, for generated dates in every order', () => {
    const values = generate(21, 30_000, writtenDate);
    for (const dateOrder of ORDERS) {
      expect(
        differences('date', values, { phoneRegion: 'US', timeZone: 'UTC', dateOrder }),
      ).toEqual([]);
    }
    // Not vacuous: a good share took the fast path.
    expect(values.filter((v) => fastWordDate(v) !== undefined).length).toBeGreaterThan(5_000);
  });

  it.each([
    ['Mar 5, 2021', '2021-03-05'],
    ['5 March 2021', '2021-03-05'],
    ['05-Mar-2021', '2021-03-05'],
    ['2021-Mar-05', '2021-03-05'],
    ['March 5th, 21', '2021-03-05'],
    ['Thursday, July 4, 1979', '1979-07-04'],
    ['4th of JULY 1979', '1979-07-04'],
    ['5 Apr 1999', '1999-04-05'],
    ['29 Feb 2024', '2024-02-29'],
    ['1 mars 50', '1950-03-01'],
  ])('takes %j to %s', (text, iso) => {
    expect(fastWordDate(text)).toBe(iso);
    expect(differences('date', [text])).toEqual([]);
  });

  it.each([
    '31 Feb 2021',
    '29 Feb 2023',
    'Mar 2021',
    "Mar 5 '21",
    '5 am Mar 2021',
    '5pm Mar 2021',
    'Mar 5 2021 10:00',
    '2021 5 Mar',
    'Mar 123 2021',
    'unknown',
  ])('leaves %j to the general code', (text) => {
    expect(fastWordDate(text)).toBeUndefined();
    expect(differences('date', [text])).toEqual([]);
  });
});

describe('date fast path for numeric dates with a T time', () => {
  it('gives what the general code gives, for generated dates in every order', () => {
    const values = generate(22, 20_000, timedDate);
    for (const dateOrder of ORDERS) {
      expect(
        differences('date', values, { phoneRegion: 'US', timeZone: 'UTC', dateOrder }),
      ).toEqual([]);
    }
    expect(values.filter((v) => fastDateBeforeTime(v, 'MDY') !== undefined).length).toBeGreaterThan(
      3_000,
    );
  });

  it.each([
    ['1985-03-04T00:00:00', '1985-03-04'],
    ['12/25/1970t9:30', '1970-12-25'],
  ])('takes %j to %s', (text, iso) => {
    expect(fastDateBeforeTime(text, undefined)).toBe(iso);
    expect(differences('date', [text])).toEqual([]);
  });

  it.each(['1985-03-04T123:00', '1985-03-04T1', '1985-02-30T00:00', '1985-03-04 10:00'])(
    'leaves %j to the general code',
    (text) => {
      expect(fastDateBeforeTime(text, undefined)).toBeUndefined();
      expect(differences('date', [text])).toEqual([]);
    },
  );
});
