import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { heapGrowthFlag } from './heap-growth.ts';

describe('heapGrowthFlag', () => {
  it('is the V8 flag for a percentage, none for 0 (V8 keeps its own factor)', () => {
    expect(heapGrowthFlag(100, [])).toBe('--heap-growing-percent=100');
    expect(heapGrowthFlag(0, [])).toBeUndefined();
  });

  it("leaves a value given on node's command line alone, in either spelling", () => {
    expect(heapGrowthFlag(100, ['--heap-growing-percent=50'])).toBeUndefined();
    expect(heapGrowthFlag(100, ['--heap_growing_percent', '50'])).toBeUndefined();
    expect(heapGrowthFlag(100, ['--heap-growing-percentage=50'])).toBe(
      '--heap-growing-percent=100',
    );
  });

  // v8.setFlagsFromString ignores a flag V8 does not know; node's command
  // line refuses one. A Node upgrade that drops or renames the flag fails here.
  it("is a flag this node's V8 knows", () => {
    const run = (flag: string) =>
      spawnSync(process.execPath, [flag, '-e', '0'], { encoding: 'utf8' }).status;
    expect(run(heapGrowthFlag(100, [])!)).toBe(0);
    expect(run('--heap-growing-percentage=100')).not.toBe(0);
  });
});
