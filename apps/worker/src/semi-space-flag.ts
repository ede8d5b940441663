/**
 * A process-wide V8 semi-space size (`--max-semi-space-size`, in NODE_OPTIONS
 * or on node's command line) applies to every heap of the process, the
 * piscina threads' too, and overrides their THREAD_YOUNG_GENERATION_MB: at
 * 4 MB a chunk's short-lived strings were promoted and full collections took
 * a fifth of the threads' time. Returns the flag as given, if any, so the
 * worker can say so at start (the flag cannot be undone once node runs).
 */
export function semiSpaceFlag(
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): string | undefined {
  const flags = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)];
  return flags.find((flag) => /^--max[-_]semi[-_]space[-_]size(=|$)/.test(flag));
}
