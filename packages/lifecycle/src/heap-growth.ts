import { setFlagsFromString } from 'node:v8';

/**
 * The V8 flag that sets how far a heap may grow past its live size before
 * the next full collection (HEAP_GROWING_PERCENT), or undefined to leave
 * V8's own factor (0). V8 reads it each time it sets a heap's next limit,
 * for the main thread and worker threads alike, so setting it once at
 * start, before the first request or chunk, is enough. A value given on node's
 * command line wins: it is the operator's explicit choice.
 */
export function heapGrowthFlag(percent: number, execArgv: readonly string[]): string | undefined {
  if (percent <= 0) return undefined;
  if (execArgv.some((flag) => /^--heap[-_]growing[-_]percent(=|$)/.test(flag))) return undefined;
  return `--heap-growing-percent=${percent}`;
}

/** Applies heapGrowthFlag; returns the flag it set, if any. */
export function applyHeapGrowth(
  percent: number,
  execArgv: readonly string[] = process.execArgv,
): string | undefined {
  const flag = heapGrowthFlag(percent, execArgv);
  if (flag !== undefined) setFlagsFromString(flag);
  return flag;
}
