import { describe, expect, it } from 'vitest';
import {
  arrivalSchedule,
  type Phase,
  scheduleSeconds,
  seededRandom,
  weightedPick,
} from './arrivals.ts';

// The schedule is computed in advance: every check here is on numbers, none on a clock.

const phases: Phase[] = [
  { name: 'warm-up', ratePerSecond: 10, seconds: 3, measured: false },
  { name: 'sustained', ratePerSecond: 50, seconds: 2, measured: true },
  { name: 'peak', ratePerSecond: 100, seconds: 1.5, measured: true },
];

describe('arrivalSchedule', () => {
  it('gives each phase rate × seconds arrivals, inside the phase, in time order', () => {
    for (const spacing of ['even', 'poisson'] as const) {
      const arrivals = arrivalSchedule(phases, spacing, seededRandom(3));
      const perPhase = [0, 1, 2].map((i) => arrivals.filter((a) => a.phase === i));
      expect(perPhase.map((p) => p.length)).toEqual([30, 100, 150]);
      const bounds = [
        [0, 3000],
        [3000, 5000],
        [5000, 6500],
      ];
      perPhase.forEach((list, i) => {
        for (const a of list) {
          expect(a.atMs).toBeGreaterThanOrEqual(bounds[i]![0]!);
          expect(a.atMs).toBeLessThan(bounds[i]![1]!);
        }
      });
      const times = arrivals.map((a) => a.atMs);
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
  });

  it('spaces even arrivals exactly 1/rate apart from the phase start', () => {
    const arrivals = arrivalSchedule(phases, 'even');
    expect(arrivals.slice(0, 3).map((a) => a.atMs)).toEqual([0, 100, 200]);
    const sustained = arrivals.filter((a) => a.phase === 1);
    expect(sustained.slice(0, 3).map((a) => a.atMs)).toEqual([3000, 3020, 3040]);
    const peak = arrivals.filter((a) => a.phase === 2);
    expect(peak[0]!.atMs).toBe(5000);
    expect(peak.at(-1)!.atMs).toBeCloseTo(5000 + (149 * 1500) / 150, 9);
  });

  it('makes Poisson arrivals bursty (gaps vary as exponential gaps do) and repeatable by seed', () => {
    const long: Phase[] = [{ name: 'steady', ratePerSecond: 100, seconds: 100, measured: true }];
    const arrivals = arrivalSchedule(long, 'poisson', seededRandom(42));
    const gaps = arrivals.slice(1).map((a, i) => a.atMs - arrivals[i]!.atMs);
    const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((s, g) => s + (g - mean) ** 2, 0) / gaps.length);
    // Exponential gaps: standard deviation equal to the mean (even spacing: 0).
    expect(mean).toBeCloseTo(10, 0);
    expect(sd / mean).toBeGreaterThan(0.9);
    expect(sd / mean).toBeLessThan(1.1);
    expect(arrivalSchedule(long, 'poisson', seededRandom(42))).toEqual(arrivals);
    expect(arrivalSchedule(long, 'poisson', seededRandom(43))).not.toEqual(arrivals);
  });

  it('skips phases with no arrivals but keeps their time', () => {
    const withPause: Phase[] = [
      { name: 'pause', ratePerSecond: 0, seconds: 2, measured: false },
      { name: 'run', ratePerSecond: 2, seconds: 1, measured: true },
    ];
    expect(arrivalSchedule(withPause, 'even')).toEqual([
      { atMs: 2000, phase: 1 },
      { atMs: 2500, phase: 1 },
    ]);
    expect(scheduleSeconds(withPause)).toBe(3);
  });
});

describe('weightedPick', () => {
  it('picks in proportion to the weights', () => {
    const random = seededRandom(9);
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 20_000; i++) counts[weightedPick({ a: 0.5, b: 0.3, c: 0.2 }, random)] += 1;
    expect(counts.a / 20_000).toBeCloseTo(0.5, 1);
    expect(counts.b / 20_000).toBeCloseTo(0.3, 1);
    expect(counts.c / 20_000).toBeCloseTo(0.2, 1);
  });

  it('never picks a zero weight, even at the edges of random()', () => {
    const weights = { a: 1, b: 0, c: 1, d: 0 };
    expect(weightedPick(weights, () => 0)).toBe('a');
    expect(weightedPick(weights, () => 0.4999)).toBe('a');
    expect(weightedPick(weights, () => 0.5)).toBe('c');
    expect(weightedPick(weights, () => 0.999_999_999_999)).toBe('c');
  });

  it('refuses weights that add up to nothing', () => {
    expect(() => weightedPick({ a: 0 }, Math.random)).toThrow(/more than 0/);
  });
});

describe('seededRandom', () => {
  it('stays in [0, 1) and repeats for the same seed', () => {
    const a = seededRandom(5);
    const values = Array.from({ length: 1000 }, a);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    const b = seededRandom(5);
    expect(Array.from({ length: 1000 }, b)).toEqual(values);
  });
});
