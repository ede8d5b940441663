import { describe, expect, it } from 'vitest';
import { semiSpaceFlag } from './semi-space-flag.ts';

describe('semiSpaceFlag', () => {
  it('finds the flag in NODE_OPTIONS, in either spelling V8 accepts', () => {
    expect(semiSpaceFlag([], '--max-old-space-size=256 --max-semi-space-size=4')).toBe(
      '--max-semi-space-size=4',
    );
    expect(semiSpaceFlag([], '--max_semi_space_size=8')).toBe('--max_semi_space_size=8');
  });

  it("finds it on node's command line", () => {
    expect(semiSpaceFlag(['--max-semi-space-size', '16'], undefined)).toBe('--max-semi-space-size');
  });

  it('is undefined without it (other heap flags are fine)', () => {
    expect(semiSpaceFlag(['--enable-source-maps'], '--max-old-space-size=256')).toBeUndefined();
    expect(semiSpaceFlag([], undefined)).toBeUndefined();
    expect(semiSpaceFlag([], '--max-semi-space-sizes=4')).toBeUndefined();
  });
});
