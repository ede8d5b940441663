import { describe, expect, it } from 'vitest';
import { formatDuration, jobRate } from './job-rate.ts';

describe('jobRate', () => {
  it('measures from the first sample seen: rows per second, and time left by chunks', () => {
    const rate = jobRate(
      { at: 1_000, rows: 500, chunks: 1 },
      { at: 3_000, rows: 4_500, chunks: 3 },
      7,
    );
    // 4000 rows in 2 s; 2 chunks in 2 s, 4 left.
    expect(rate).toEqual({ rowsPerSecond: 2_000, etaMs: 4_000 });
  });

  it('says nothing until a chunk has finished since the first sample', () => {
    const first = { at: 1_000, rows: 0, chunks: 2 };
    expect(jobRate(first, first, 5)).toEqual({ rowsPerSecond: undefined, etaMs: undefined });
    expect(jobRate(first, { at: 2_000, rows: 10, chunks: 2 }, 5)).toEqual({
      rowsPerSecond: undefined,
      etaMs: undefined,
    });
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [42_400, '42s'],
    [185_000, '3m05s'],
    [3_720_000, '1h02m'],
  ])('%i ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
