import { describe, expect, it } from 'vitest';
import {
  growth,
  highestPassingRate,
  percentile,
  type Sample,
  SERVICE_OBJECTIVES,
  slopePerMinute,
  summarize,
  summarizeByKind,
  verdict,
} from './load-stats.ts';

const sample = (ms: number, ok = true, kind = 'status'): Sample => ({ kind, phase: 1, ms, ok });
const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('percentile', () => {
  it('is the nearest rank: the smallest value with p % at or below it', () => {
    const values = oneTo(100);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([10, 20, 30], 50)).toBe(20);
    expect(percentile([10, 20, 30], 95)).toBe(30);
    expect(percentile([7], 99)).toBe(7);
  });

  it('is NaN without values', () => {
    expect(percentile([], 95)).toBeNaN();
  });
});

describe('summarize', () => {
  it('counts failures in the latency too (a timeout is a slow answer)', () => {
    const samples = [
      ...oneTo(98).map((ms) => sample(ms)),
      sample(5000, false),
      sample(9000, false),
    ];
    expect(summarize(samples)).toEqual({
      requests: 100,
      errors: 2,
      errorRate: 0.02,
      p50Ms: 50,
      p95Ms: 95,
      p99Ms: 5000,
      maxMs: 9000,
    });
  });

  it('groups by kind in first-seen order', () => {
    const byKind = summarizeByKind([
      sample(10, true, 'submit'),
      sample(1, true, 'status'),
      sample(30, false, 'submit'),
    ]);
    expect(Object.keys(byKind)).toEqual(['submit', 'status']);
    expect(byKind.submit).toMatchObject({ requests: 2, errors: 1, errorRate: 0.5, p50Ms: 10 });
    expect(byKind.status).toMatchObject({ requests: 1, errors: 0, p99Ms: 1 });
  });
});

describe('verdict', () => {
  const base = summarize(oneTo(100).map((ms) => sample(ms)));

  it('meets the objectives below both limits', () => {
    expect(verdict(base, SERVICE_OBJECTIVES)).toEqual({ met: true, missed: [] });
  });

  it('misses at the limits themselves (p95 < 500 ms and errors < 1 % are strict)', () => {
    expect(verdict({ ...base, p95Ms: 500 }, SERVICE_OBJECTIVES)).toEqual({
      met: false,
      missed: ['p95 500 ms >= 500 ms'],
    });
    expect(verdict({ ...base, errorRate: 0.01 }, SERVICE_OBJECTIVES)).toEqual({
      met: false,
      missed: ['errors 1.00 % >= 1 %'],
    });
    expect(verdict({ ...base, p95Ms: 812, errorRate: 0.2 }, SERVICE_OBJECTIVES).missed).toEqual([
      'p95 812 ms >= 500 ms',
      'errors 20.00 % >= 1 %',
    ]);
  });

  it('meets nothing without requests', () => {
    const nothing = summarize([]);
    expect(verdict(nothing, SERVICE_OBJECTIVES).met).toBe(false);
    expect(verdict(nothing, SERVICE_OBJECTIVES).missed).toContain('no requests');
  });
});

describe('highestPassingRate', () => {
  it('is the last rate met before the first miss', () => {
    expect(
      highestPassingRate([
        { ratePerSecond: 50, met: true },
        { ratePerSecond: 100, met: true },
        { ratePerSecond: 150, met: false },
        { ratePerSecond: 200, met: true },
      ]),
    ).toBe(100);
  });

  it('is the top step when none missed, and null when the first missed', () => {
    expect(
      highestPassingRate([
        { ratePerSecond: 50, met: true },
        { ratePerSecond: 100, met: true },
      ]),
    ).toBe(100);
    expect(highestPassingRate([{ ratePerSecond: 50, met: false }])).toBeNull();
    expect(highestPassingRate([])).toBeNull();
  });
});

describe('slopePerMinute and growth', () => {
  const line = (perSecond: number, start: number) =>
    [0, 5, 10, 15, 20, 25, 30].map((seconds) => ({ seconds, value: start + perSecond * seconds }));

  it('fits the least-squares slope, per minute', () => {
    expect(slopePerMinute(line(0.5, 100))).toBeCloseTo(30, 9);
    expect(slopePerMinute(line(-1, 100))).toBeCloseTo(-60, 9);
    expect(slopePerMinute(line(0, 42))).toBe(0);
    // Noise around a flat line: the fit sees no trend.
    const noisy = [100, 104, 96, 100, 96, 104, 100].map((value, i) => ({ seconds: i * 10, value }));
    expect(slopePerMinute(noisy)).toBeCloseTo(0, 9);
  });

  it('is 0 for fewer than two distinct times', () => {
    expect(slopePerMinute([])).toBe(0);
    expect(slopePerMinute([{ seconds: 3, value: 9 }])).toBe(0);
    expect(
      slopePerMinute([
        { seconds: 3, value: 1 },
        { seconds: 3, value: 9 },
      ]),
    ).toBe(0);
  });

  it('calls a series flat when its fitted rise is under the tolerance of its mean', () => {
    // 100 → 130 over 30 s: mean 115, rise 30, 26 % growth.
    const rising = growth(line(1, 100), 0.1);
    expect(rising).toMatchObject({ first: 100, last: 130, mean: 115, slopePerMinute: 60 });
    expect(rising.relativeGrowth).toBeCloseTo(30 / 115, 9);
    expect(rising.flat).toBe(false);
    const steady = growth(line(0.1, 100), 0.1);
    expect(steady.relativeGrowth).toBeCloseTo(3 / 101.5, 9);
    expect(steady.flat).toBe(true);
    // A shrinking series is not growth.
    expect(growth(line(-1, 100), 0.1).flat).toBe(true);
  });

  it('handles an all-zero series and refuses an empty one', () => {
    expect(growth(line(0, 0), 0.1)).toMatchObject({ relativeGrowth: 0, flat: true });
    expect(() => growth([], 0.1)).toThrow(/no samples/);
  });
});
