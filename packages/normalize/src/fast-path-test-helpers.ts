/**
 * What the differential tests of the fast paths share: a seedable PRNG,
 * value generators and the comparison of a type's results with the fast
 * paths on and off.
 */
import type { NormalizeOptions } from './column-type.ts';
import { withoutFastPaths } from './fast-paths.ts';
import { type ColumnType, normalizeValue } from './registry.ts';

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

export type Pick = <T>(list: readonly T[]) => T;

/** The results of `values` with fast paths on and off that differ (at most 10). */
export function differences(
  type: ColumnType,
  values: readonly string[],
  options: NormalizeOptions = { phoneRegion: 'US', timeZone: 'UTC' },
): string[] {
  const slow = withoutFastPaths(() => values.map((v) => normalizeValue(type, v, options)));
  const wrong: string[] = [];
  values.forEach((value, i) => {
    const fast = normalizeValue(type, value, options);
    if (JSON.stringify(fast) !== JSON.stringify(slow[i]) && wrong.length < 10) {
      wrong.push(
        `${JSON.stringify(value)}: fast ${JSON.stringify(fast)}, general ${JSON.stringify(slow[i])}`,
      );
    }
  });
  return wrong;
}

/** `count` values from `make`, with a PRNG and a picker. */
export function generate(
  seed: number,
  count: number,
  make: (r: () => number, pick: Pick) => string,
) {
  const r = random(seed);
  const pick: Pick = (list) => list[Math.floor(r() * list.length)]!;
  return Array.from({ length: count }, () => make(r, pick));
}

/** Changes the case of a word the ways exports do. */
export function recase(r: () => number, word: string): string {
  const x = r();
  if (x < 0.6) return word;
  if (x < 0.75) return word.toUpperCase();
  if (x < 0.9) return word.toLowerCase();
  return word.charAt(0).toLowerCase() + word.slice(1).toUpperCase();
}
