import { type Breaker, type BreakerSettings, type BreakerState, createBreaker } from './breaker.ts';

/** The dependencies Sluice guards with a breaker (the gauge's `dependency` label). */
export const DEPENDENCIES = ['postgres', 'redis'] as const;
export type Dependency = (typeof DEPENDENCIES)[number];

export interface DependencyBreakersOptions {
  settings?: Partial<BreakerSettings>;
  /** Per dependency: which errors mean "unavailable", and the half-open trial call. */
  postgres: { isFailure: (error: unknown) => boolean; probe?: () => Promise<unknown> };
  redis: { isFailure: (error: unknown) => boolean; probe?: () => Promise<unknown> };
  /** Told about every state change (logging, pausing workers). */
  onStateChange?: (dependency: Dependency, state: BreakerState, previous: BreakerState) => void;
}

export interface DependencyBreakers extends Record<Dependency, Breaker> {
  /** Every breaker's state, by dependency (for /health and the gauge). */
  states(): Record<Dependency, BreakerState>;
  /** Calls each breaker refused since start, by dependency (for the refusals counter). */
  refusals(): Record<Dependency, number>;
  /** Calls that failed and counted toward opening, by dependency (for the failures counter). */
  failures(): Record<Dependency, number>;
  shutdown(): void;
}

/** The BREAKER_* settings as @sluice/config validates them (matched by shape: no import). */
export interface BreakerConfig {
  BREAKER_RESET_TIMEOUT_MS: number;
  BREAKER_VOLUME_THRESHOLD: number;
  BREAKER_ERROR_PERCENTAGE: number;
  BREAKER_WINDOW_MS: number;
}

export function breakerSettingsFrom(config: BreakerConfig): Partial<BreakerSettings> {
  return {
    resetTimeoutMs: config.BREAKER_RESET_TIMEOUT_MS,
    volumeThreshold: config.BREAKER_VOLUME_THRESHOLD,
    errorThresholdPercentage: config.BREAKER_ERROR_PERCENTAGE,
    rollingWindowMs: config.BREAKER_WINDOW_MS,
  };
}

/**
 * How loudly to log a state change: trials while the dependency stays down
 * (open -> half_open -> open) are routine (debug); opening warns; closing informs.
 */
export function stateChangeLogLevel(
  state: BreakerState,
  previous: BreakerState,
): 'debug' | 'info' | 'warn' {
  const routine = state === 'half_open' || previous === 'half_open';
  if (routine && state !== 'closed') return 'debug';
  return state === 'open' ? 'warn' : 'info';
}

/** A logger as pino's (matched by shape: this package imports no logging library). */
export type StateChangeLogger = Record<
  'debug' | 'info' | 'warn',
  (fields: Record<string, unknown>, message: string) => void
>;

/** The log line of a state change, at `stateChangeLogLevel` (API and worker log the same). */
export function logStateChange(
  logger: StateChangeLogger,
  dependency: Dependency,
  state: BreakerState,
  previous: BreakerState,
): void {
  logger[stateChangeLogLevel(state, previous)](
    { dependency, state, previous },
    `circuit breaker for ${dependency} is ${state}`,
  );
}

/** One breaker per dependency, same settings; what the API and each worker create at start. */
export function createDependencyBreakers(options: DependencyBreakersOptions): DependencyBreakers {
  const make = (dependency: Dependency) => {
    const breaker = createBreaker({
      name: dependency,
      ...options.settings,
      ...options[dependency],
    });
    if (options.onStateChange) {
      const notify = options.onStateChange;
      breaker.onStateChange((state, previous) => notify(dependency, state, previous));
    }
    return breaker;
  };
  const postgres = make('postgres');
  const redis = make('redis');
  return {
    postgres,
    redis,
    states: () => ({ postgres: postgres.state(), redis: redis.state() }),
    refusals: () => ({ postgres: postgres.refusals(), redis: redis.refusals() }),
    failures: () => ({ postgres: postgres.failures(), redis: redis.failures() }),
    shutdown() {
      postgres.shutdown();
      redis.shutdown();
    },
  };
}
