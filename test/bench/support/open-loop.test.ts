import { describe, expect, it } from 'vitest';
import type { Arrival } from './arrivals.ts';
import { runOpenLoop } from './open-loop.ts';

// Arrivals all due at once: what is checked is who started, never when.

const dueNow = (n: number): Arrival[] => Array.from({ length: n }, () => ({ atMs: 0, phase: 0 }));

describe('runOpenLoop', () => {
  it('starts every due request without waiting for earlier answers (open model)', async () => {
    const answers: Array<() => void> = [];
    let started = 0;
    const run = runOpenLoop(
      dueNow(5),
      () =>
        new Promise((resolve) => {
          started += 1;
          // Nobody answers until all five have started.
          answers.push(() => resolve({ kind: 'status', ok: true }));
          if (answers.length === 5) for (const answer of answers) answer();
        }),
      { maxInFlight: 10, timeoutMs: 60_000 },
    );
    const result = await run;
    expect(started).toBe(5);
    expect(result.maxInFlightSeen).toBe(5);
    expect(result.overflow).toBe(0);
    expect(result.samples.map((s) => [s.kind, s.ok])).toEqual(
      Array.from({ length: 5 }, () => ['status', true]),
    );
  });

  it('fails arrivals past maxInFlight as overflow instead of queueing them', async () => {
    const answers: Array<() => void> = [];
    const run = runOpenLoop(
      dueNow(5),
      () => new Promise((resolve) => answers.push(() => resolve({ kind: 'list', ok: true }))),
      { maxInFlight: 2, timeoutMs: 60_000 },
    );
    // Let the loop start what it may, then answer those.
    while (answers.length < 2) await new Promise((r) => setImmediate(r));
    for (const answer of answers) answer();
    const result = await run;
    expect(result.overflow).toBe(3);
    expect(result.maxInFlightSeen).toBe(2);
    const kinds = result.samples.map((s) => `${s.kind}:${s.ok}`).sort();
    expect(kinds).toEqual([
      'list:true',
      'list:true',
      'overflow:false',
      'overflow:false',
      'overflow:false',
    ]);
  });

  it('records a request that throws as failed, and passes each its phase', async () => {
    const arrivals: Arrival[] = [
      { atMs: 0, phase: 0 },
      { atMs: 0, phase: 3 },
    ];
    const result = await runOpenLoop(
      arrivals,
      async (arrival) => {
        if (arrival.phase === 3) throw new Error('connection reset');
        return { kind: 'submit', ok: true };
      },
      { maxInFlight: 10, timeoutMs: 60_000 },
    );
    expect(result.samples.map((s) => [s.kind, s.ok, s.phase]).sort()).toEqual([
      ['failed', false, 3],
      ['submit', true, 0],
    ]);
  });
});
