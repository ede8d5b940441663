/**
 * Differential tests of the company and plain-digit number fast paths (see
 * fast-paths.test.ts): generated values with the fast paths on and off must
 * give identical results.
 */
import { describe, expect, it } from 'vitest';
import { differences, generate, recase } from './fast-path-test-helpers.ts';

const COMPANY_WORDS = [
  'Brightpath',
  'north',
  'RIVER',
  'Acme',
  'eBay',
  'IBM',
  'KPMG',
  'AT&T',
  'of',
  'the',
  'Müller',
  'St',
  'B2B',
  '3rd',
  'Day',
  'Spa',
  '(Pty)',
  'Smith-Jones',
  "O'Neil",
  'x',
];
const COMPANY_TAILS = [
  'Inc.',
  'inc',
  'INC',
  'LLC',
  'llc',
  'Corp',
  'Corporation',
  'Ltd',
  'Ltd.',
  'ltd.',
  'GmbH',
  'gmbh',
  'B.V.',
  'bv',
  'Group',
  'Holdings',
  '& Co.',
  '& Co. KG',
  'GmbH & Co. KG',
  'GmbH & Co.',
  'AG & Co',
  '& co.',
  '& Ltd',
  'Pty & Ltd',
  'Pty Ltd',
  'Co., Ltd.',
  'S.p.A.',
  'SpA',
  'spa',
  'Spa.',
  'AG',
  '&',
  'Ltd,',
  '(Pty)',
  'Co',
];

describe('company fast path', () => {
  it('gives what the general code gives, for generated company names in many shapes', () => {
    let fastShaped = 0;
    const values = generate(4, 20_000, (r, pick) => {
      const words = [recase(r, pick(COMPANY_WORDS))];
      if (r() < 0.5) words.push(recase(r, pick(COMPANY_WORDS)));
      if (r() < 0.7) words.push(r() < 0.8 ? pick(COMPANY_TAILS) : recase(r, pick(COMPANY_TAILS)));
      let name = words.join(' ');
      const x = r();
      if (x < 0.05) name = `  ${name} `;
      else if (x < 0.07) name = name.replace(' ', '  ');
      else if (x < 0.09) name = name.replace(' ', ' , ');
      else if (x < 0.1) name = `${name}\u200b`;
      else if (x < 0.11) name = pick(['-', '&', '.', '123', '1st', 'LLC', 'llc', 'Inc.', 'A & B']);
      if (/^[ -~]+$/.test(name) && /[A-Z]/.test(name) && /[a-z]/.test(name) && !name.includes(','))
        fastShaped += 1;
      return name;
    });
    expect(differences('company', values)).toEqual([]);
    expect(fastShaped).toBeGreaterThan(8_000);
  });
});

describe('plain digits fast path (number, integer, currency, percent)', () => {
  it('gives what the general code gives, for digits and the shapes around them', () => {
    const values = generate(5, 5_000, (r, pick) => {
      const digits = String(Math.floor(r() * 10 ** Math.floor(1 + r() * 12)));
      const x = r();
      if (x < 0.6) return digits;
      if (x < 0.7) return `${'0'.repeat(1 + Math.floor(r() * 3))}${digits}`;
      if (x < 0.75) return pick(['0', '00', '000', '0000000000000000000000001']);
      if (x < 0.8) return ` ${digits} `;
      if (x < 0.85)
        return `${pick(['-', '+', '$', '(', '€'])}${digits}${pick(['', ')', '%', '.0', ',000', 'e3'])}`;
      if (x < 0.9) return `${digits.slice(0, 1)}${pick([',', '.', ' ', "'"])}${digits.slice(1)}`;
      if (x < 0.95) return digits.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
      return pick(['1\u00a0000', '١٢٣', '1e5', '12%', '0.5', '1,5', 'abc', '9'.repeat(400)]);
    });
    for (const type of ['integer', 'number', 'currency', 'percent'] as const) {
      for (const locale of [undefined, 'de', 'en']) {
        expect(differences(type, values, { phoneRegion: 'US', locale })).toEqual([]);
      }
    }
  });
});
