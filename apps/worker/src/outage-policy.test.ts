import { BreakerOpenError, type BreakerState, createBreaker } from '@sluice/breakers';
import { createProcessLogger } from '@sluice/lifecycle';
import { HandBack } from '@sluice/queue';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createBreakerPause,
  handBackDelayMs,
  isOutage,
  runThroughPostgres,
} from './outage-policy.ts';

const pgDown = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const logger = createProcessLogger({ process: 'worker', level: 'silent' });

describe('isOutage', () => {
  it('is PostgreSQL unavailable or its breaker refusing, nothing else', () => {
    expect(isOutage(pgDown())).toBe(true);
    expect(isOutage(new BreakerOpenError('postgres', 1000))).toBe(true);
    expect(isOutage(Object.assign(new Error('deadlock detected'), { code: '40P01' }))).toBe(false);
    expect(isOutage(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isOutage(new Error('bug'))).toBe(false);
  });
});

describe('handBackDelayMs', () => {
  it('starts at 500 ms and doubles with each hand-back, capped by the reset timeout', () => {
    const noJitter = () => 0;
    expect([0, 1, 2, 3, 4].map((n) => handBackDelayMs(n, 5_000, noJitter))).toEqual([
      500, 1000, 2000, 4000, 5000,
    ]);
    // Huge counts cannot overflow the exponent.
    expect(handBackDelayMs(10_000, 5_000, noJitter)).toBe(5_000);
  });

  it('adds up to 25 % jitter', () => {
    expect(handBackDelayMs(0, 5_000, () => 0.999)).toBe(625);
    expect(handBackDelayMs(3, 5_000, () => 0.5)).toBe(4_500);
  });
});

describe('runThroughPostgres', () => {
  const breakers: Array<{ shutdown(): void }> = [];
  afterEach(() => {
    for (const b of breakers.splice(0)) b.shutdown();
  });
  const postgres = () => {
    const b = createBreaker({ name: 'postgres', isFailure: isOutage, volumeThreshold: 100 });
    breakers.push(b);
    return b;
  };
  const attempt = { bullJobId: 'chunk-x-0', signal: undefined, handBacks: 2 };

  it('passes results and ordinary errors through', async () => {
    const run = runThroughPostgres(postgres(), 5_000);
    await expect(run(async () => 'done', attempt)).resolves.toBe('done');
    const dataError = Object.assign(new Error('duplicate key'), { code: '23505' });
    await expect(run(() => Promise.reject(dataError), attempt)).rejects.toBe(dataError);
  });

  it('turns an outage into a hand-back with the attempt delay, keeping the cause', async () => {
    const run = runThroughPostgres(postgres(), 5_000);
    const down = pgDown();
    const error = await run(() => Promise.reject(down), attempt).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HandBack);
    expect((error as HandBack).cause).toBe(down);
    expect((error as HandBack).delayMs).toBeGreaterThanOrEqual(2_000);
    expect((error as HandBack).delayMs).toBeLessThanOrEqual(2_500);
  });

  it('hands back a job the open breaker refused, without running it', async () => {
    const breaker = postgres();
    breaker.shutdown(); // a shut breaker refuses every call, as an open one does
    let ran = false;
    const error = await runThroughPostgres(breaker, 5_000)(async () => {
      ran = true;
    }, attempt).catch((e: unknown) => e);
    expect(ran).toBe(false);
    expect(error).toBeInstanceOf(HandBack);
    expect((error as HandBack).cause).toBeInstanceOf(BreakerOpenError);
  });
});

describe('createBreakerPause', () => {
  function setup() {
    const states: Record<'postgres' | 'redis', BreakerState> = {
      postgres: 'closed',
      redis: 'closed',
    };
    const calls: string[] = [];
    const pause = createBreakerPause({
      states: () => ({ ...states }),
      consumers: {
        pause: async () => {
          calls.push('pause');
        },
        resume: () => {
          calls.push('resume');
        },
      },
      logger,
    });
    return { states, calls, pause };
  }

  it('pauses while any breaker is open or half-open and resumes when all are closed', () => {
    const { states, calls, pause } = setup();
    states.postgres = 'open';
    pause.sync();
    states.postgres = 'half_open';
    pause.sync();
    states.redis = 'open';
    states.postgres = 'closed';
    pause.sync();
    expect(calls).toEqual(['pause', 'pause', 'pause']);
    states.redis = 'closed';
    pause.sync();
    expect(calls.at(-1)).toBe('resume');
  });

  it('does nothing more once stopped: shutting down wins over resuming', () => {
    const { states, calls, pause } = setup();
    states.postgres = 'open';
    pause.sync();
    pause.stop();
    states.postgres = 'closed';
    pause.sync();
    expect(calls).toEqual(['pause']);
  });
});
