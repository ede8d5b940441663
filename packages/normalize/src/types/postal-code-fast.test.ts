/**
 * Differential test of the postal code's ASCII shortcut (prepare() skips
 * NFKC and the dash unification for printable ASCII): generated codes of
 * every rule's country and of none, in the shapes exports have and the
 * ones around them (lower case, spaces, dashes, Unicode dashes and digits,
 * full-width letters, NBSP), normalized with the fast paths on and off.
 */
import { describe, expect, it } from 'vitest';
import type { RowContext } from '../column-type.ts';
import { generate, recase } from '../fast-path-test-helpers.ts';
import { withoutFastPaths } from '../fast-paths.ts';
import { normalizeValue } from '../registry.ts';

const COUNTRIES = ['US', 'CA', 'GB', 'NL', 'DE', 'FR', 'ES', 'IT', 'PR', 'JP', undefined];
const OPTIONS = { phoneRegion: 'US', timeZone: 'UTC' };

function code(r: () => number, pick: <T>(list: readonly T[]) => T): string {
  const digits = (n: number) => String(Math.floor(r() * 10 ** n)).padStart(n, '0');
  const letters = (n: number) =>
    Array.from({ length: n }, () => 'ABCEGHJKLMNPRSTVXYZ'[Math.floor(r() * 19)]).join('');
  const x = r();
  let value: string;
  if (x < 0.3) value = digits(pick([3, 4, 5, 5, 5, 9]));
  else if (x < 0.4)
    value = `${digits(5)}${pick(['-', ' - ', ' ', '\u2013', '\u2212'])}${digits(4)}`;
  else if (x < 0.5)
    value = `${letters(1)}${digits(1)}${letters(1)}${pick([' ', '', '-'])}${digits(1)}${letters(1)}${digits(1)}`;
  else if (x < 0.6) value = `${letters(2)}${digits(1)}${pick([' ', ''])}${digits(1)}${letters(2)}`;
  else if (x < 0.7) value = `${1000 + Math.floor(r() * 9000)}${pick([' ', '', '  '])}${letters(2)}`;
  else if (x < 0.75) value = `${pick(['D-', 'F-', 'DE-', 'E', 'I-'])}${digits(5)}`;
  else if (x < 0.8) value = `${digits(5)}.0`;
  else
    value = pick([
      '',
      ' ',
      'n/a',
      '１２３４５',
      'ＡＢ1 2ＣＤ',
      '12345\u00a06789',
      '1234\u00a0AB',
      'SW1A 1AA',
      '00000',
      '123-45',
      'K1A 0B1',
      `${'1'.repeat(40)}`,
      'ab-12',
      '#12345',
    ]);
  value = recase(r, value);
  return r() < 0.05 ? ` ${value}\t` : value;
}

describe('postal code ASCII shortcut', () => {
  it('gives what the general code gives, for generated codes of many countries', () => {
    const values = generate(31, 20_000, code);
    const contexts: RowContext[] = values.map((_, i) => ({
      country: COUNTRIES[i % COUNTRIES.length],
    }));
    const slow = withoutFastPaths(() =>
      values.map((v, i) => normalizeValue('postal_code', v, OPTIONS, contexts[i])),
    );
    const wrong: string[] = [];
    values.forEach((v, i) => {
      const fast = normalizeValue('postal_code', v, OPTIONS, contexts[i]);
      if (JSON.stringify(fast) !== JSON.stringify(slow[i]) && wrong.length < 10) {
        wrong.push(
          `${JSON.stringify(v)} (${contexts[i]?.country}): ${JSON.stringify(fast)} vs ${JSON.stringify(slow[i])}`,
        );
      }
    });
    expect(wrong).toEqual([]);
    // Not vacuous: both valid and invalid codes, in several countries.
    const valid = slow.filter((result) => result.ok && result.value !== '').length;
    expect(valid).toBeGreaterThan(5_000);
    expect(values.length - valid).toBeGreaterThan(2_000);
  });
});
