import { EventEmitter } from 'node:events';
import { withTimeout } from '@sluice/util';
// Types: opossum ships none, and @types/opossum stops at 8.x (its newest).
// opossum 9 and 10 only dropped old Node versions; the API is 8.x's.
import CircuitBreaker from 'opossum';

/** What /health and the `sluice_breaker_state` gauge report. */
export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerSettings {
  /** Time the breaker stays open before its one trial call (half-open). */
  resetTimeoutMs: number;
  /** Calls within the rolling window before the breaker may open at all. */
  volumeThreshold: number;
  /** The breaker opens when failures exceed this share (percent) of the window's calls. */
  errorThresholdPercentage: number;
  /** Length of the rolling window in which calls are counted. */
  rollingWindowMs: number;
  /** A trial call (probe) that has not answered after this long counts as failed. */
  probeTimeoutMs: number;
}

export const DEFAULT_BREAKER_SETTINGS: BreakerSettings = {
  resetTimeoutMs: 5_000,
  volumeThreshold: 5,
  errorThresholdPercentage: 50,
  rollingWindowMs: 10_000,
  probeTimeoutMs: 2_000,
};

/** Thrown by `run` (and answered as 503 by the API) while the breaker refuses calls. */
export class BreakerOpenError extends Error {
  override name = 'BreakerOpenError';
  readonly code = 'EOPENBREAKER';
  readonly dependency: string;
  /** When the next trial call is due, in ms from now (at least 1000: clients should wait a bit). */
  readonly retryAfterMs: number;
  constructor(dependency: string, retryAfterMs: number) {
    super(`circuit breaker for ${dependency} is open: calls are refused until it recovers`);
    this.dependency = dependency;
    this.retryAfterMs = retryAfterMs;
  }
}

/** A probe that failed or did not answer in time: always a failure, whatever the classifier says. */
class ProbeFailure extends Error {
  override name = 'ProbeFailure';
}

export interface BreakerOptions extends Partial<BreakerSettings> {
  /** The dependency's name ('postgres', 'redis'): the gauge's label and the error's subject. */
  name: string;
  /**
   * True for an error that says the dependency is unavailable (connection
   * refused or lost, server shutting down, too many connections): those count
   * as failures. Every other error (a constraint violation, bad input, a bug)
   * proves the dependency answered, and opossum counts it as a success. This
   * package imports no client library: the caller passes its classifier
   * (`isPostgresUnavailableError` from @sluice/db, `isRedisConnectionError`
   * from @sluice/queue; not db's wider `isTransientDatabaseError`, which
   * also retries contention, where the server did answer).
   */
  isFailure: (error: unknown) => boolean;
  /**
   * The trial call the breaker makes by itself as soon as it turns half-open,
   * so it recovers without traffic (a worker paused by the open breaker sends
   * none). Any error or no answer within `probeTimeoutMs` counts as a failure
   * and opens it again for another `resetTimeoutMs`. Without a probe, the next
   * call through `run` or `record` is the trial.
   */
  probe?: () => Promise<unknown>;
}

export interface Breaker {
  readonly name: string;
  /** closed: calls pass; open: refused; half_open: one trial call decides. */
  state(): BreakerState;
  /** False while calls are refused (open, or half-open with its trial in flight). */
  allowsCalls(): boolean;
  /** Milliseconds until the next trial call (for Retry-After); 0 when closed. */
  retryAfterMs(): number;
  /**
   * Counts a call its caller refused because `allowsCalls()` said no (the
   * API's edge guard answers 503 without trying) and returns the error to
   * answer with.
   */
  refuse(): BreakerOpenError;
  /** Calls refused since start, by `run` or `refuse` (for `sluice_breaker_refusals_total`). */
  refusals(): number;
  /**
   * Calls since start that failed with an outage error, each counted toward
   * opening (the probes' failures included; for `sluice_breaker_failures_total`).
   */
  failures(): number;
  /**
   * Runs `work` (calls to the dependency) through the breaker. While it is
   * open this rejects at once with BreakerOpenError and `work` is not called.
   * `work` is never timed out here: a timeout would not cancel the call.
   */
  run<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Counts an outcome observed elsewhere (an HTTP request that used the
   * dependency): no error = success, an error = failure if `isFailure` says
   * so. Ignored while the breaker is open.
   */
  record(error?: unknown): void;
  /** Calls `listener` on every state change; returns a function that removes it. */
  onStateChange(listener: (state: BreakerState, previous: BreakerState) => void): () => void;
  /** Stops its timers (reset timeout, rolling window); calls are refused afterwards. */
  shutdown(): void;
}

type Work = () => Promise<unknown>;

/** Buckets of the rolling window (each `rollingWindowMs / BUCKETS` long). */
const BUCKETS = 10;

/**
 * A circuit breaker for one dependency, on opossum. It opens when more than
 * `errorThresholdPercentage` of at least `volumeThreshold` calls within the
 * rolling window failed; stays open `resetTimeoutMs`; then lets one trial call
 * through (the probe when given) which closes it on success or opens it again.
 */
export function createBreaker(options: BreakerOptions): Breaker {
  const settings: BreakerSettings = { ...DEFAULT_BREAKER_SETTINGS };
  for (const key of Object.keys(DEFAULT_BREAKER_SETTINGS) as Array<keyof BreakerSettings>) {
    const value = options[key];
    if (value !== undefined) settings[key] = value;
  }
  // The rolling window's buckets turn on our timer (opossum's
  // rotateBucketController) so that closing can empty the window: counts from
  // before the outage must not reopen a freshly closed breaker on its first
  // failure (opossum keeps them; Hystrix resets them on close, as done here).
  const rotation = new EventEmitter();
  const rotator = setInterval(
    () => rotation.emit('rotate'),
    Math.max(1, Math.floor(settings.rollingWindowMs / BUCKETS)),
  );
  rotator.unref();
  const circuit = new CircuitBreaker<[Work], unknown>((work) => work(), {
    name: options.name,
    // No opossum timeout: it rejects the caller but leaves the call running.
    timeout: false,
    resetTimeout: settings.resetTimeoutMs,
    volumeThreshold: settings.volumeThreshold,
    errorThresholdPercentage: settings.errorThresholdPercentage,
    rollingCountTimeout: settings.rollingWindowMs,
    rollingCountBuckets: BUCKETS,
    rotateBucketController: rotation,
    // Only counts are used; latency percentiles would sort every call's time.
    rollingPercentilesEnabled: false,
    enableSnapshots: false,
    // opossum: a filtered error counts as a success. That is the intent: the
    // dependency answered (with a data error), so it is up.
    errorFilter: (error: unknown) => !(error instanceof ProbeFailure) && !options.isFailure(error),
  });

  let current: BreakerState = 'closed';
  let openedAt = 0;
  const listeners = new Set<(state: BreakerState, previous: BreakerState) => void>();
  const moveTo = (next: BreakerState) => {
    if (next === current) return;
    const previous = current;
    current = next;
    if (next === 'open') openedAt = Date.now();
    for (const listener of listeners) listener(next, previous);
  };

  const probe = options.probe;
  const runProbe = async () => {
    try {
      await withTimeout(probe!(), settings.probeTimeoutMs);
    } catch (error) {
      throw new ProbeFailure(
        `${options.name} probe failed: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  };

  // opossum's 'failure': a call that rejected with an error its filter did
  // not excuse, i.e. one the window counts against the dependency.
  let failures = 0;
  circuit.on('failure', () => {
    failures += 1;
  });
  circuit.on('open', () => moveTo('open'));
  circuit.on('close', () => {
    for (let i = 0; i < BUCKETS; i++) rotation.emit('rotate');
    moveTo('closed');
  });
  circuit.on('halfOpen', () => {
    moveTo('half_open');
    // Take the single trial slot at once (synchronously, before any caller).
    if (probe) circuit.fire(runProbe).catch(() => {});
  });

  const retryAfterMs = () => {
    if (current === 'closed') return 0;
    if (current === 'half_open') return 1000;
    return Math.max(1000, openedAt + settings.resetTimeoutMs - Date.now());
  };
  const refused = (error: unknown) =>
    error instanceof Error && (error as { code?: unknown }).code === 'EOPENBREAKER';
  let refusals = 0;
  const refuse = () => {
    refusals += 1;
    return new BreakerOpenError(options.name, retryAfterMs());
  };

  return {
    name: options.name,
    state: () => current,
    allowsCalls: () => circuit.closed || circuit.pendingClose,
    retryAfterMs,
    refuse,
    refusals: () => refusals,
    failures: () => failures,
    async run<T>(work: () => Promise<T>): Promise<T> {
      try {
        return (await circuit.fire(work)) as T;
      } catch (error) {
        if (refused(error) || circuit.isShutdown) throw refuse();
        throw error;
      }
    },
    record(error?: unknown) {
      if (!circuit.closed && !circuit.pendingClose) return;
      const work: Work = error === undefined ? async () => {} : () => Promise.reject(error);
      circuit.fire(work).catch(() => {});
    },
    onStateChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    shutdown() {
      listeners.clear();
      clearInterval(rotator);
      circuit.shutdown();
    },
  };
}
