import { describe, expect, it } from 'vitest';
import { cfsQuota, staleGroups } from './cpu-cgroup.ts';

// The arithmetic and bookkeeping only: no test touches a cgroup.

describe('cfsQuota', () => {
  it('turns cores into microseconds of CPU per 100 ms period', () => {
    expect(cfsQuota(0.2)).toEqual({ periodUs: 100_000, quotaUs: 20_000 });
    expect(cfsQuota(1.5)).toEqual({ periodUs: 100_000, quotaUs: 150_000 });
    expect(cfsQuota(0.25, 200_000)).toEqual({ periodUs: 200_000, quotaUs: 50_000 });
  });

  it('refuses what the kernel would refuse, or what is no quota at all', () => {
    for (const cores of [0, -0.2, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => cfsQuota(cores)).toThrow(/positive number of cores/);
    expect(() => cfsQuota(0.005)).toThrow(/500 µs per 100000 µs period; the kernel's minimum/);
  });
});

describe('staleGroups', () => {
  it('picks only groups named by a benchmark process that is gone', () => {
    const names = [
      'sluice-bench-10-1',
      'sluice-bench-10-probe',
      'sluice-bench-20-1',
      'sluice-bench-x-1',
      'docker',
      'other-sluice-bench-10-1',
    ];
    expect(staleGroups(names, (pid) => pid === 20)).toEqual([
      'sluice-bench-10-1',
      'sluice-bench-10-probe',
    ]);
  });
});
