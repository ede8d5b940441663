/**
 * The phone fast path tests metadata prefixes (IDD, national prefix for
 * parsing, leading digits) with startsWith when the pattern is plain
 * digits: for every such pattern of every country, on generated digit
 * strings, the answer must be the pattern's.
 */
import { getCountries, Metadata } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { prefixMatcher } from './phone-fast.ts';

interface Plan {
  IDDPrefix(): string;
  nationalPrefixForParsing(): string | undefined;
  leadingDigits(): unknown;
}
const metadata = new Metadata() as unknown as {
  selectNumberingPlan(country: string): void;
  numberingPlan: Plan;
};

/** Every prefix pattern of the metadata, with whether it is plain digits. */
const patterns = [
  ...new Set(
    getCountries().flatMap((country) => {
      metadata.selectNumberingPlan(country);
      const plan = metadata.numberingPlan;
      const prefixes: unknown[] = [
        plan.IDDPrefix(),
        plan.nationalPrefixForParsing(),
        plan.leadingDigits(),
      ];
      return prefixes.filter((p): p is string => typeof p === 'string' && p !== '');
    }),
  ),
];

describe('metadata prefixes without patterns', () => {
  it('plain-digit prefixes are common (the fast path takes them without a pattern)', () => {
    expect(patterns.filter((p) => /^[0-9]+$/.test(p)).length).toBeGreaterThan(20);
  });

  it('prefixMatcher answers as ^(?:pattern) for every prefix of the metadata', () => {
    let seed = 7;
    const digit = () => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return String((seed >>> 16) % 10);
    };
    const wrong: string[] = [];
    for (const pattern of patterns) {
      const matcher = prefixMatcher(pattern);
      const regexp = new RegExp(`^(?:${pattern})`);
      // The pattern's own digits (a match) and strings around them.
      const samples = [pattern, `${pattern}123`, pattern.slice(0, -1), ''];
      for (let n = 0; n < 300; n++) {
        let sample = /^[0-9]+$/.test(pattern) && n % 2 === 0 ? pattern : '';
        const length = 1 + (n % 12);
        for (let i = 0; i < length; i++) sample += digit();
        samples.push(sample);
      }
      for (const sample of samples) {
        if (matcher.test(sample) !== regexp.test(sample) && wrong.length < 10) {
          wrong.push(`${pattern} on ${sample}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
