/**
 * Differential test of the phone fast path (phone-fast.ts) against
 * libphonenumber-js itself, on numbers generated from the library's example
 * numbers of every country plus fixed-line examples of several regions,
 * written in the shapes people type (national, with the trunk prefix,
 * international with + or 00 or 011, grouped with spaces, dashes, dots,
 * parentheses), and mutated (digits changed, added, dropped) so that many
 * are invalid. Wherever the fast path answers, its answer must be the
 * library's; and the phone type as a whole must give what it gave before the
 * fast path (the old normalizePhone, kept here as the oracle).
 */

import examples from 'libphonenumber-js/examples.mobile.json' with { type: 'json' };
import {
  type CountryCode,
  getCountries,
  getCountryCallingCode,
  isSupportedCountry,
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
} from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { cleanText } from '../clean-text.ts';
import { normalizeValue } from '../registry.ts';
import { fastPhone } from './phone-fast.ts';

/** Seedable PRNG (mulberry32), so a failure names an input that can be re-made. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fixed-line national numbers (libphonenumber's examples) next to the mobile ones. */
const FIXED: Partial<Record<CountryCode, string>> = {
  US: '2015550123',
  CA: '5062345678',
  GB: '1212345678',
  DE: '30123456',
  NL: '101234567',
  FR: '123456789',
  AU: '212345678',
  IN: '7410410123',
  BR: '1123456789',
  JP: '312345678',
  CH: '212345678',
  IT: '0212345678',
  ES: '810123456',
  MX: '2001234567',
  BS: '2423456789',
  GG: '1481256789',
};
/** Default regions the jobs are run with in this test. */
const REGIONS: CountryCode[] = [
  'US',
  'CA',
  'PR',
  'JM',
  'GB',
  'GG',
  'KZ',
  'DE',
  'NL',
  'FR',
  'AU',
  'IN',
  'BR',
  'JP',
  'IT',
  'MX',
];
const TRUNK: Partial<Record<CountryCode, string>> = {
  US: '1',
  CA: '1',
  PR: '1',
  JM: '1',
  BS: '1',
  MX: '01',
  KZ: '8',
};

function shapes(r: () => number, country: CountryCode, national: string): string[] {
  const pick = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)]!;
  const code = getCountryCallingCode(country);
  // Mutations: most keep the length (often still valid), some change it.
  let n = national;
  const m = r();
  if (m < 0.5) {
    const k = 1 + Math.floor(r() * 4);
    n = n.slice(0, -k) + Array.from({ length: k }, () => Math.floor(r() * 10)).join('');
  } else if (m < 0.6) n += Math.floor(r() * 10);
  else if (m < 0.7) n = n.slice(0, -1);
  else if (m < 0.75) n = String(Math.floor(r() * 10)) + n.slice(1);
  const sep = pick([' ', '-', '.', '', ' ', '-']);
  const cut = 2 + Math.floor(r() * 3);
  const grouped = (digits: string) => {
    const parts = [digits.slice(0, cut), digits.slice(cut, cut + 3), digits.slice(cut + 3)];
    return parts.filter(Boolean).join(sep);
  };
  const trunk = TRUNK[country] ?? '0';
  return [
    n,
    grouped(n),
    `(${n.slice(0, 3)}) ${n.slice(3, 6)}-${n.slice(6)}`,
    `${trunk}${n}`,
    `${trunk}${sep}${grouped(n)}`,
    `+${code}${n}`,
    `+${code} ${grouped(n)}`,
    `+${code}-${n.slice(0, 3)}-${n.slice(3)}`,
    `+${code} (${trunk}) ${grouped(n)}`,
    `+${code}${trunk}${n}`,
    `00${code} ${grouped(n)}`,
    `011 ${code} ${n}`,
    `${code} ${grouped(n)}`,
    `(${code}) ${n}`,
    `-${n}-`,
    `+${n}`,
    `${n.slice(0, 3)}+${n.slice(3)}`,
    `+800 ${n.slice(0, 8)}`,
    `+882 ${n}`,
    `${grouped(n)} x${n.slice(-3)}`,
    `+${code} ${n} ext. ${n.slice(-4)}`,
    `${n}x${n.slice(-2)}`,
    `(${n.slice(0, 3)}) ${n.slice(3)} ext ${n.slice(-1)}`,
    `${n} x`,
    `${n} #12`,
  ];
}

/** Every generated input with the default region it is normalized with. */
function cases(seed: number, perNumber: number): Array<{ input: string; region: CountryCode }> {
  const r = random(seed);
  const all: Array<{ input: string; region: CountryCode }> = [];
  const numbers: Array<[CountryCode, string]> = [
    ...getCountries().flatMap((c): Array<[CountryCode, string]> => {
      const example = (examples as Record<string, string>)[c];
      return example ? [[c, example]] : [];
    }),
    ...Object.entries(FIXED).map(([c, n]) => [c as CountryCode, n] as [CountryCode, string]),
  ];
  for (const [country, national] of numbers) {
    for (let i = 0; i < perNumber; i++) {
      // Mostly the number's own region (national forms), else another.
      const region =
        r() < 0.5 && REGIONS.includes(country)
          ? country
          : REGIONS[Math.floor(r() * REGIONS.length)]!;
      for (const input of shapes(r, country, national)) all.push({ input, region });
    }
  }
  return all;
}

/** libphonenumber's answer for what fastPhone answers: the E.164 number if valid, else false. */
function library(input: string, region: CountryCode): string | false {
  const number = parsePhoneNumberFromString(input, { defaultCountry: region, extract: false });
  if (!number?.isValid()) return false;
  return number.ext ? `${number.number};ext=${number.ext}` : number.number;
}

describe('fastPhone', () => {
  it('answers as libphonenumber does wherever it answers, for numbers of every country in many shapes', () => {
    let valid = 0;
    let invalid = 0;
    let unanswered = 0;
    const wrong: string[] = [];
    for (const { input, region } of cases(20261202, 6)) {
      const fast = fastPhone(input, region);
      if (fast === undefined) {
        unanswered += 1;
        continue;
      }
      if (fast === false) invalid += 1;
      else valid += 1;
      const expected = library(input, region);
      if (fast !== expected && wrong.length < 10) {
        wrong.push(`${JSON.stringify(input)} in ${region}: fast ${fast}, library ${expected}`);
      }
    }
    expect(wrong).toEqual([]);
    // The comparison means something only if the fast path answered often, both ways.
    expect(valid).toBeGreaterThan(5_000);
    expect(invalid).toBeGreaterThan(2_000);
    expect(unanswered).toBeGreaterThan(1_000);
  });

  it('answers the shapes of US numbers in contact exports without the library', () => {
    for (const input of [
      '(415) 555-2671',
      '415-555-2671',
      '415.555.2671',
      '4155552671',
      '+1 415 555 2671',
      '1-415-555-2671',
    ]) {
      expect(fastPhone(input, 'US')).toBe('+14155552671');
    }
    expect(fastPhone('(415) 555-2671 x12', 'US')).toBe('+14155552671;ext=12');
    expect(fastPhone('+1 415 555 2671 ext. 345', 'US')).toBe('+14155552671;ext=345');
    expect(fastPhone('+44 20 7946 0958', 'US')).toBe('+442079460958');
    expect(fastPhone('(212) 111-3333', 'US')).toBe(false);
    // Left to the library: other letters, IDD and trunk prefixes, non-geographic codes.
    for (const input of [
      'tel 4155552671',
      '011 44 20 7946 0958',
      '+800 1234 5678',
      '+1 415 555 2671 #12',
    ]) {
      expect(fastPhone(input, 'US')).toBeUndefined();
    }
  });
});

/** The phone type before the fast path (phone.ts as of 476d489), the oracle of the next test. */
function oldNormalizePhone(raw: string, phoneRegion: string) {
  let input = cleanText(raw);
  if (/^tel:/i.test(input)) input = input.slice('tel:'.length).trim();
  if (input.length > 250)
    return { ok: false, code: 'invalid_phone', message: 'Not a valid phone number: too long' };
  const upper = phoneRegion.trim().toUpperCase();
  const region = isSupportedCountry(upper) ? upper : undefined;
  const candidates = [input];
  const international = input.replace(/^00 ?([1-9])/, '+$1');
  if (international !== input) candidates.push(international);
  for (const candidate of candidates) {
    const number = parsePhoneNumberFromString(
      candidate,
      region === undefined ? { extract: false } : { defaultCountry: region, extract: false },
    );
    if (number?.isValid()) {
      return { ok: true, value: number.ext ? `${number.number};ext=${number.ext}` : number.number };
    }
  }
  const last = candidates[candidates.length - 1]!;
  const reason = validatePhoneNumberLength(
    last,
    region === undefined ? undefined : { defaultCountry: region },
  );
  return { ok: false, code: 'invalid_phone', reason, input: last };
}

describe('the phone type with the fast path', () => {
  it('gives the values and error codes it gave before, for generated numbers of several regions', () => {
    const wrong: string[] = [];
    for (const { input, region } of cases(7, 2)) {
      const now = normalizeValue('phone', input, { phoneRegion: region, timeZone: 'UTC' });
      const before = oldNormalizePhone(input, region);
      const same = now.ok
        ? before.ok && now.value === before.value
        : !before.ok && now.code === before.code;
      if (!same && wrong.length < 10)
        wrong.push(
          `${JSON.stringify(input)} in ${region}: ${JSON.stringify(now)} vs ${JSON.stringify(before)}`,
        );
    }
    expect(wrong).toEqual([]);
  });
});
