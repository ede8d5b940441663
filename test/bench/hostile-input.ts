/**
 * Hostile cell values (one character or a short pattern repeated, the shapes
 * that make a backtracking regular expression or a rescan loop blow up)
 * through every column type's normalizer and header-free inference
 * (`looksLike`), and a record of very many fields through the CSV parser.
 * Each is timed at n and at 10 n characters in the same run: linear code
 * takes about 10 times as long, so `time(10 n) / (10 × time(n))` is about 1;
 * quadratic code reads about 10. This replaces the wall-clock bounds the
 * unit tests once had (those tests still check the answers).
 */
import { parseRecords } from '@sluice/csv';
import { COLUMN_TYPE_NAMES, COLUMN_TYPES, normalizeValue } from '@sluice/normalize';
import { type Comparison, compare, round } from './support/result.ts';

/** Patterns repeated to length n: letters, digits, separators each type reads, non-ASCII, zero-width. */
const PATTERNS = [
  'a',
  'A',
  '1',
  '.',
  '-',
  '@',
  ':/',
  ' ',
  '+(',
  ',',
  'a.',
  'a@',
  '1-',
  '1.',
  'www.',
  'İ',
  'ß',
  '李',
  '\u200b',
] as const;

const OPTIONS = { phoneRegion: 'US', timeZone: 'UTC' } as const;

function hostileValues(n: number): string[] {
  return [
    ...PATTERNS.map((p) => p.repeat(Math.ceil(n / p.length)).slice(0, n)),
    // Valid values buried in whitespace, and two long halves around a comma.
    `${' '.repeat(n / 2)}yes${' '.repeat(n / 2)}`,
    `${'a'.repeat(n / 2)}, ${'b'.repeat(n / 2)}`,
  ];
}

/** Seconds for `fn`, the median of 3 after one warm-up. */
function seconds(fn: () => void): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    fn();
    times.push((performance.now() - t0) / 1000);
  }
  return times.sort((a, b) => a - b)[1]!;
}

export interface HostileInputResult extends Record<string, unknown> {
  scenario: 'hostile-input';
  characters: number;
  comparisons: Comparison[];
}

export function hostileInput(characters = 100_000): HostileInputResult {
  const small = hostileValues(characters / 10);
  const large = hostileValues(characters);
  // Per type: its ratio and its time at n characters (the table of figures).
  const figures: Record<string, number> = {};
  const types: Comparison[] = [];
  for (const type of COLUMN_TYPE_NAMES) {
    const looksLike = COLUMN_TYPES[type].looksLike;
    const run = (values: string[]) => {
      for (const raw of values) {
        normalizeValue(type, raw, OPTIONS);
        looksLike?.(raw);
      }
    };
    const atSmall = seconds(() => run(small));
    const atLarge = seconds(() => run(large));
    const comparison = compare(type, round(atLarge, 4), round(10 * atSmall, 4));
    types.push(comparison);
    figures[`${type}: ratio`] = comparison.ratio;
    figures[`${type}: seconds for ${large.length} values of ${characters} characters`] = round(
      atLarge,
      4,
    );
  }
  // The summary shows the worst type; every type's figures are in the table.
  const worst = types.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  const comparisons: Comparison[] = [
    {
      ...worst,
      figure: `worst column type (${worst.figure}): s at ${characters} chars vs 10 × s at ${characters / 10}`,
    },
  ];
  // One record of very many short fields (the parser's per-field work).
  const record = (fields: number) =>
    `${Array.from({ length: fields }, (_, i) => String(i)).join(',')}\n`;
  const fields = characters * 2;
  const [few, many] = [record(fields / 10), record(fields)];
  const atSmall = seconds(() => parseRecords(few, { maxFields: fields }));
  const atLarge = seconds(() => parseRecords(many, { maxFields: fields }));
  comparisons.push(
    compare(
      `csv parse: ${fields} fields vs 10 × ${fields / 10}`,
      round(atLarge, 4),
      round(10 * atSmall, 4),
    ),
  );
  return { scenario: 'hostile-input', characters, comparisons, ...figures };
}
