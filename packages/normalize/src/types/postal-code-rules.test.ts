/**
 * The US and five-digit rules check plain digits without patterns and run
 * their patterns only on values that can match them (a period for a
 * spreadsheet float, a hyphen or space for ZIP+4, a letter for a country
 * prefix): on generated values of those characters, the postal code type
 * must give what the pattern-only rules (kept here as the oracle) give.
 */
import { describe, expect, it } from 'vitest';
import { cleanText } from '../clean-text.ts';
import { generate } from '../fast-path-test-helpers.ts';
import { normalizeValue } from '../registry.ts';

const EXCEL_FLOAT = /^(\d+)\.0+$/;
const US_ZIP_SEPARATED = /^(\d{3,5}) ?- ?(\d{4})$|^(\d{5}) (\d{4})$/;
const DIGITS = /^\d+$/;

function oldUs(value: string): string | undefined {
  const v = EXCEL_FLOAT.exec(value)?.[1] ?? value;
  let zip: string;
  let plus4: string | undefined;
  const separated = US_ZIP_SEPARATED.exec(v);
  if (separated !== null) {
    zip = (separated[1] ?? separated[3] ?? '').padStart(5, '0');
    plus4 = separated[2] ?? separated[4];
  } else if (DIGITS.test(v) && v.length >= 3 && v.length <= 5) {
    zip = v.padStart(5, '0');
  } else if (DIGITS.test(v) && v.length >= 7 && v.length <= 9) {
    const nine = v.padStart(9, '0');
    zip = nine.slice(0, 5);
    plus4 = nine.slice(5);
  } else {
    return undefined;
  }
  if (zip < '00501') return undefined;
  return plus4 === undefined ? zip : `${zip}-${plus4}`;
}

function oldGerman(value: string): string | undefined {
  const unprefixed = value.replace(/^(?:DE|D) ?-? ?(?=\d)/, '');
  const v = EXCEL_FLOAT.exec(unprefixed)?.[1] ?? unprefixed;
  if (!DIGITS.test(v) || v.length < 4 || v.length > 5) return undefined;
  const code = v.padStart(5, '0');
  return code.startsWith('00') ? undefined : code;
}

const PIECES = ['0', '1', '5', '9', '00', '12345', '.', '.0', '-', ' ', 'D', 'E', 'x', '6789'];

const values = generate(20_251_203, 30_000, (r, pick) => {
  let value = '';
  const length = 1 + Math.floor(r() * 5);
  for (let i = 0; i < length; i++) value += pick(PIECES);
  return value;
});

describe('postal code rules without patterns for plain digits', () => {
  it.each([
    ['US', oldUs],
    ['DE', oldGerman],
  ] as const)('%s codes read as the pattern-only rule reads them', (country, oldRule) => {
    const wrong: string[] = [];
    let valid = 0;
    for (const raw of values) {
      const cleaned = cleanText(raw);
      if (cleaned === '' || cleaned.length > 40) continue;
      const expected = oldRule(cleaned.toUpperCase());
      const result = normalizeValue('postal_code', raw, { phoneRegion: 'US' }, { country });
      if (expected !== undefined) valid += 1;
      const same = result.ok ? result.value === expected : expected === undefined;
      if (!same && wrong.length < 10)
        wrong.push(`${JSON.stringify(raw)}: ${JSON.stringify(result)}`);
    }
    expect(wrong).toEqual([]);
    expect(valid).toBeGreaterThan(1000);
  });
});
