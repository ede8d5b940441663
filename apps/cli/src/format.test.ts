import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, JobRate } from './format.ts';

describe('format', () => {
  it('sizes and durations', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(200 * 1024 * 1024)).toBe('200.0 MB');
    expect(formatDuration(4_400)).toBe('4s');
    expect(formatDuration(125_000)).toBe('2m05s');
    expect(formatDuration(Number.NaN)).toBe('?');
  });

  it('rows/s and ETA from the first progress event seen', () => {
    const rate = new JobRate();
    expect(rate.update(1000, 100, 1, 10)).toEqual({ rowsPerSecond: undefined, etaMs: undefined });
    // 2 more chunks and 2000 rows in 2 s: 1000 rows/s, 7 chunks left at 1 s each.
    expect(rate.update(3000, 2100, 3, 10)).toEqual({ rowsPerSecond: 1000, etaMs: 7000 });
  });
});
