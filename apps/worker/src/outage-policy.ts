import {
  type Breaker,
  BreakerOpenError,
  type BreakerState,
  type Dependency,
} from '@sluice/breakers';
import { isPostgresUnavailableError } from '@sluice/db';
import type { Logger } from '@sluice/lifecycle';
import { HandBack, type JobAttempt } from '@sluice/queue';

/**
 * What a worker does while a dependency is out: jobs are delayed, never
 * failed, and no new work is taken until the breakers close again.
 */

/** A failure that means PostgreSQL is unavailable, or its breaker refused the call. */
export function isOutage(error: unknown): boolean {
  return error instanceof BreakerOpenError || isPostgresUnavailableError(error);
}

/**
 * How long a job handed back during an outage waits: 500 ms, doubling with
 * each hand-back, at most the breaker's reset timeout (by then its probe has
 * decided), plus up to 25 % jitter so that handed-back jobs do not return
 * together.
 */
export function handBackDelayMs(
  handBacks: number,
  resetTimeoutMs: number,
  random: () => number = Math.random,
): number {
  const base = Math.min(resetTimeoutMs, 500 * 2 ** Math.min(handBacks, 16));
  return Math.round(base * (1 + random() * 0.25));
}

/**
 * Runs a job's work through the postgres breaker. A job that fails for want
 * of PostgreSQL goes back to the queue, delayed, WITHOUT using one of its
 * attempts: an outage must not fail jobs. Contention (deadlock,
 * serialization failure) is retried inside the transaction helper and then
 * uses an attempt like any other error.
 */
export function runThroughPostgres(postgres: Breaker, resetTimeoutMs: number) {
  return async <T>(work: () => Promise<T>, attempt: JobAttempt): Promise<T> => {
    try {
      return await postgres.run(work);
    } catch (error) {
      if (!isOutage(error)) throw error;
      throw new HandBack(handBackDelayMs(attempt.handBacks, resetTimeoutMs), error);
    }
  };
}

/** What the pause needs of the consumers (@sluice/queue's Consumers: both idempotent). */
export interface Pausable {
  pause(): Promise<void>;
  resume(): void;
}

/**
 * Pauses the consumers while any breaker is not closed (open, or half-open
 * with its probe deciding) and resumes them once all are closed: jobs in
 * flight finish or are handed back, no new ones are taken. Call `sync` on
 * every state change; `stop` at shutdown (closing wins over resuming).
 */
export function createBreakerPause(options: {
  states: () => Record<Dependency, BreakerState>;
  consumers: Pausable;
  logger: Logger;
}) {
  let stopped = false;
  let paused = false;
  return {
    sync() {
      if (stopped) return;
      const notClosed = Object.entries(options.states())
        .filter(([, state]) => state !== 'closed')
        .map(([dependency]) => dependency);
      const pause = notClosed.length > 0;
      if (pause) {
        options.consumers
          .pause()
          .catch((err: unknown) => options.logger.warn({ err }, 'could not pause worker'));
      } else {
        options.consumers.resume();
      }
      if (pause === paused) return;
      paused = pause;
      if (pause) {
        options.logger.warn({ breakers: notClosed }, 'paused: taking no jobs until breakers close');
      } else {
        options.logger.info('resumed: breakers closed, taking jobs again');
      }
    },
    stop() {
      stopped = true;
    },
  };
}
