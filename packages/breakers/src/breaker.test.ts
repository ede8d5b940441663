import { createMetricsRegistry, registerBreakerMetrics } from '@sluice/metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { type Breaker, BreakerOpenError, type BreakerState, createBreaker } from './breaker.ts';
import {
  breakerSettingsFrom,
  createDependencyBreakers,
  logStateChange,
  stateChangeLogLevel,
} from './dependencies.ts';

// Real timers throughout: a short reset timeout keeps the waits small.

const RESET_MS = 200;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An error as a client library would throw it when the server is unreachable. */
const down = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
/** An error the server answered with (a constraint violation): not an outage. */
const dataError = () => Object.assign(new Error('duplicate key value'), { code: '23505' });
const isFailure = (error: unknown) => (error as { code?: string }).code === 'ECONNREFUSED';

const created: Breaker[] = [];
function breaker(options: Partial<Parameters<typeof createBreaker>[0]> = {}): Breaker {
  const b = createBreaker({
    name: 'postgres',
    isFailure,
    resetTimeoutMs: RESET_MS,
    volumeThreshold: 5,
    errorThresholdPercentage: 50,
    rollingWindowMs: 10_000,
    ...options,
  });
  created.push(b);
  return b;
}

afterEach(() => {
  for (const b of created.splice(0)) b.shutdown();
});

async function failTimes(b: Breaker, n: number, error: () => Error = down) {
  for (let i = 0; i < n; i++) {
    await expect(b.run(() => Promise.reject(error()))).rejects.toThrow();
  }
}

async function waitForState(b: Breaker, state: BreakerState, timeoutMs = 3_000) {
  const deadline = Date.now() + timeoutMs;
  while (b.state() !== state) {
    if (Date.now() > deadline) throw new Error(`still ${b.state()}, expected ${state}`);
    await sleep(10);
  }
}

describe('createBreaker', () => {
  it('passes results and errors through while closed', async () => {
    const b = breaker();
    expect(await b.run(async () => 42)).toBe(42);
    await expect(b.run(() => Promise.reject(dataError()))).rejects.toThrow('duplicate key');
    expect(b.state()).toBe('closed');
    expect(b.allowsCalls()).toBe(true);
    expect(b.retryAfterMs()).toBe(0);
  });

  it('does not open on one failure: needs volumeThreshold calls in the window', async () => {
    const b = breaker();
    await failTimes(b, 4);
    expect(b.state()).toBe('closed');
    await failTimes(b, 1);
    expect(b.state()).toBe('open');
  });

  it('opens only when failures exceed the error percentage', async () => {
    const b = breaker();
    for (let i = 0; i < 5; i++) await b.run(async () => 'ok');
    await failTimes(b, 5);
    // 5 of 10 calls failed: 50% is not above the 50% threshold.
    expect(b.state()).toBe('closed');
    await failTimes(b, 1);
    expect(b.state()).toBe('open');
  });

  it('counts errors the classifier calls data errors as successes (the server answered)', async () => {
    const b = breaker();
    await failTimes(b, 20, dataError);
    expect(b.state()).toBe('closed');
  });

  it('refuses calls at once while open, without calling the dependency', async () => {
    const b = breaker({ resetTimeoutMs: 5_000 });
    await failTimes(b, 5);
    let called = false;
    const refusal = await b
      .run(async () => {
        called = true;
      })
      .catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(BreakerOpenError);
    expect((refusal as BreakerOpenError).dependency).toBe('postgres');
    expect((refusal as BreakerOpenError).retryAfterMs).toBeGreaterThan(3_000);
    expect((refusal as BreakerOpenError).retryAfterMs).toBeLessThanOrEqual(5_000);
    expect(called).toBe(false);
    expect(b.allowsCalls()).toBe(false);
  });

  it('without a probe, the first call after resetTimeout is the trial: success closes it', async () => {
    const b = breaker();
    await failTimes(b, 5);
    await waitForState(b, 'half_open');
    expect(b.allowsCalls()).toBe(true);
    expect(await b.run(async () => 'back')).toBe('back');
    expect(b.state()).toBe('closed');
  });

  it('without a probe, a failed trial opens it again for another resetTimeout', async () => {
    const b = breaker();
    await failTimes(b, 5);
    await waitForState(b, 'half_open');
    await failTimes(b, 1);
    expect(b.state()).toBe('open');
    await waitForState(b, 'half_open');
  });

  it('with a probe, recovers by itself: failed probes keep it open, a good one closes it', async () => {
    let reachable = false;
    let probes = 0;
    const transitions: string[] = [];
    const b = breaker({
      probe: async () => {
        probes += 1;
        if (!reachable) throw down();
      },
    });
    b.onStateChange((state, previous) => transitions.push(`${previous}->${state}`));
    await failTimes(b, 5);
    // First probe after RESET_MS fails: open again; the second one too.
    const deadline = Date.now() + 3_000;
    while (probes < 2 && Date.now() < deadline) await sleep(10);
    expect(probes).toBeGreaterThanOrEqual(2);
    expect(b.state()).not.toBe('closed');
    reachable = true;
    await waitForState(b, 'closed');
    expect(transitions.slice(0, 4)).toEqual([
      'closed->open',
      'open->half_open',
      'half_open->open',
      'open->half_open',
    ]);
    expect(transitions.at(-1)).toBe('half_open->closed');
  });

  it('forgets the failures from before it opened once it closes again', async () => {
    const b = breaker({ probe: async () => {} });
    await failTimes(b, 5);
    await waitForState(b, 'closed');
    // Still within the rolling window of those 5 failures: one more failure
    // must not reopen it; it takes volumeThreshold new calls again.
    await failTimes(b, 1);
    expect(b.state()).toBe('closed');
    await failTimes(b, 3);
    expect(b.state()).toBe('closed');
    await failTimes(b, 1);
    expect(b.state()).toBe('open');
  });

  it('refuses other calls while the probe is in flight', async () => {
    let release: () => void = () => {};
    const b = breaker({
      probe: () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    });
    await failTimes(b, 5);
    await waitForState(b, 'half_open');
    expect(b.allowsCalls()).toBe(false);
    await expect(b.run(async () => 1)).rejects.toBeInstanceOf(BreakerOpenError);
    release();
    await waitForState(b, 'closed');
    expect(await b.run(async () => 2)).toBe(2);
  });

  it('a probe that does not answer within probeTimeoutMs counts as failed', async () => {
    const b = breaker({ probe: () => new Promise(() => {}), probeTimeoutMs: 100 });
    await failTimes(b, 5);
    await waitForState(b, 'half_open');
    await waitForState(b, 'open', 1_000);
  });

  it('a probe error counts as failed even if the classifier would call it a data error', async () => {
    const b = breaker({ probe: () => Promise.reject(dataError()) });
    const transitions: string[] = [];
    b.onStateChange((state) => transitions.push(state));
    await failTimes(b, 5);
    const deadline = Date.now() + 3_000;
    while (transitions.length < 5 && Date.now() < deadline) await sleep(10);
    expect(transitions.slice(0, 5)).toEqual(['open', 'half_open', 'open', 'half_open', 'open']);
  });

  it('record() feeds outcomes seen elsewhere, classified the same way', async () => {
    const b = breaker();
    for (let i = 0; i < 10; i++) b.record(dataError());
    b.record();
    await sleep(0);
    expect(b.state()).toBe('closed');
    for (let i = 0; i < 12; i++) b.record(down());
    await sleep(0);
    expect(b.state()).toBe('open');
    // Ignored while open (and does not throw).
    b.record(down());
    b.record();
    expect(b.state()).toBe('open');
  });

  it('refuses calls after shutdown', async () => {
    const b = breaker();
    b.shutdown();
    await expect(b.run(async () => 1)).rejects.toBeInstanceOf(BreakerOpenError);
  });
});

describe('createDependencyBreakers', () => {
  it('one breaker per dependency, states by name, and the sluice_breaker_state gauge', async () => {
    const changes: string[] = [];
    const breakers = createDependencyBreakers({
      settings: { resetTimeoutMs: 5_000, volumeThreshold: 2 },
      postgres: { isFailure },
      redis: { isFailure },
      onStateChange: (dependency, state) => changes.push(`${dependency}:${state}`),
    });
    try {
      const registry = createMetricsRegistry('worker');
      registerBreakerMetrics(
        registry,
        () => breakers.states(),
        () => breakers.refusals(),
        () => breakers.failures(),
      );
      const gauge = async () =>
        (await registry.metrics()).split('\n').filter((l) => l.startsWith('sluice_breaker_state{'));
      const refusals = async () =>
        (await registry.metrics())
          .split('\n')
          .filter((l) => l.startsWith('sluice_breaker_refusals_total{'));
      expect(breakers.states()).toEqual({ postgres: 'closed', redis: 'closed' });
      expect(await gauge()).toEqual([
        'sluice_breaker_state{dependency="postgres",process="worker"} 0',
        'sluice_breaker_state{dependency="redis",process="worker"} 0',
      ]);
      for (let i = 0; i < 2; i++) {
        await expect(breakers.redis.run(() => Promise.reject(down()))).rejects.toThrow();
      }
      expect(breakers.states()).toEqual({ postgres: 'closed', redis: 'open' });
      expect(changes).toEqual(['redis:open']);
      // The two failures that opened it; a data error (the dependency answered) is not one.
      await expect(
        breakers.postgres.run(() => Promise.reject(new Error('bad data'))),
      ).rejects.toThrow();
      expect(breakers.failures()).toEqual({ postgres: 0, redis: 2 });
      expect(
        (await registry.metrics())
          .split('\n')
          .filter((l) => l.startsWith('sluice_breaker_failures_total{')),
      ).toEqual([
        'sluice_breaker_failures_total{dependency="postgres",process="worker"} 0',
        'sluice_breaker_failures_total{dependency="redis",process="worker"} 2',
      ]);
      expect(await gauge()).toContain(
        'sluice_breaker_state{dependency="redis",process="worker"} 2',
      );
      // Refused calls are counted, whether run() refused them or the caller
      // asked first and refused itself (the API's edge guard).
      let tried = false;
      await expect(
        breakers.redis.run(async () => {
          tried = true;
        }),
      ).rejects.toBeInstanceOf(BreakerOpenError);
      expect(tried).toBe(false);
      expect(breakers.redis.allowsCalls()).toBe(false);
      const refusal = breakers.redis.refuse();
      expect(refusal).toBeInstanceOf(BreakerOpenError);
      expect(refusal.dependency).toBe('redis');
      expect(refusal.retryAfterMs).toBeGreaterThanOrEqual(1000);
      expect(breakers.refusals()).toEqual({ postgres: 0, redis: 2 });
      expect(await refusals()).toEqual([
        'sluice_breaker_refusals_total{dependency="postgres",process="worker"} 0',
        'sluice_breaker_refusals_total{dependency="redis",process="worker"} 2',
      ]);
    } finally {
      breakers.shutdown();
    }
  });

  it('reports half-open as 1', async () => {
    const registry = createMetricsRegistry('api');
    registerBreakerMetrics(
      registry,
      () => ({ postgres: 'half_open' }),
      () => ({ postgres: 0 }),
      () => ({ postgres: 0 }),
    );
    expect(await registry.metrics()).toContain(
      'sluice_breaker_state{dependency="postgres",process="api"} 1',
    );
  });
});

describe('shared wiring of API and worker', () => {
  it('maps the BREAKER_* config onto breaker settings', () => {
    expect(
      breakerSettingsFrom({
        BREAKER_RESET_TIMEOUT_MS: 5000,
        BREAKER_VOLUME_THRESHOLD: 5,
        BREAKER_ERROR_PERCENTAGE: 50,
        BREAKER_WINDOW_MS: 10_000,
      }),
    ).toEqual({
      resetTimeoutMs: 5000,
      volumeThreshold: 5,
      errorThresholdPercentage: 50,
      rollingWindowMs: 10_000,
    });
  });

  it('logs opening as warn, closing as info, trials while still down as debug', () => {
    expect(stateChangeLogLevel('open', 'closed')).toBe('warn');
    expect(stateChangeLogLevel('closed', 'half_open')).toBe('info');
    expect(stateChangeLogLevel('half_open', 'open')).toBe('debug');
    expect(stateChangeLogLevel('open', 'half_open')).toBe('debug');
  });

  it('logs a state change with its dependency and states, at that level', () => {
    const lines: unknown[] = [];
    const at = (level: string) => (fields: Record<string, unknown>, message: string) =>
      lines.push([level, fields, message]);
    const logger = { debug: at('debug'), info: at('info'), warn: at('warn') };
    logStateChange(logger, 'postgres', 'open', 'closed');
    logStateChange(logger, 'redis', 'closed', 'half_open');
    expect(lines).toEqual([
      [
        'warn',
        { dependency: 'postgres', state: 'open', previous: 'closed' },
        'circuit breaker for postgres is open',
      ],
      [
        'info',
        { dependency: 'redis', state: 'closed', previous: 'half_open' },
        'circuit breaker for redis is closed',
      ],
    ]);
  });
});
