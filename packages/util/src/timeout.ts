/**
 * A promise that did not settle in time. `code` is ETIMEDOUT so that the
 * dependency classifiers (a health probe, a breaker's trial call, a metrics
 * read) take a dependency that does not answer for one that is unavailable.
 */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
  readonly code = 'ETIMEDOUT';
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * `work`, or a TimeoutError once `ms` have passed. The work itself is not
 * cancelled (a promise cannot be): use this where an answer that comes late
 * is useless (a probe, a scrape), not to bound work that must be stopped.
 * The timer never keeps the process alive and is cleared when work settles.
 */
export function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(ms)), ms);
    timer.unref();
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
