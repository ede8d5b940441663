/**
 * Arrival-rate (open model) schedules for the load runs: when each request
 * is due, fixed in advance from rates and durations, never from responses.
 * A slow server therefore gets more requests in flight, not fewer (a
 * closed-loop generator slows down with the server and hides its latency).
 * Pure: the clock-driven firing lives in open-loop.ts.
 */

/** One stretch of constant arrival rate. */
export interface Phase {
  /** The figures' label ("warm-up", "peak", "step 150/s"). */
  name: string;
  ratePerSecond: number;
  seconds: number;
  /** False for warm-up: fired, not counted in the figures. */
  measured: boolean;
}

export interface Arrival {
  /** Milliseconds after the schedule's start. */
  atMs: number;
  /** Index into the phases. */
  phase: number;
}

/**
 * A small seeded generator (mulberry32): the same seed gives the same
 * schedule and request mix, so two runs differ only by the system under test.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Arrival times for `phases` run back to back. `poisson` (independent
 * clients: exponential gaps, bursts included) or `even` (one every 1/rate s).
 * Each phase gets exactly round(rate × seconds) arrivals, all inside it,
 * so the figures' request counts are known in advance.
 */
export function arrivalSchedule(
  phases: readonly Phase[],
  spacing: 'poisson' | 'even',
  random: () => number = seededRandom(1),
): Arrival[] {
  const arrivals: Arrival[] = [];
  let startMs = 0;
  phases.forEach((phase, index) => {
    const durationMs = phase.seconds * 1000;
    const count = Math.round(phase.ratePerSecond * phase.seconds);
    if (count > 0) {
      const offsets =
        spacing === 'even'
          ? Array.from({ length: count }, (_, k) => (k * durationMs) / count)
          : poissonOffsets(count, durationMs, random);
      for (const offset of offsets) arrivals.push({ atMs: startMs + offset, phase: index });
    }
    startMs += durationMs;
  });
  return arrivals;
}

/**
 * `count` Poisson arrivals conditioned on falling in [0, durationMs): the
 * running sums of count + 1 exponential gaps, scaled so the last one lands
 * at durationMs (the order statistics of uniform points, which is what a
 * Poisson process with a known count is).
 */
function poissonOffsets(count: number, durationMs: number, random: () => number): number[] {
  const sums: number[] = [];
  let total = 0;
  for (let k = 0; k <= count; k++) {
    // 1 - random() is in (0, 1]: log never sees 0.
    total += -Math.log(1 - random());
    sums.push(total);
  }
  return sums.slice(0, count).map((s) => (s / total) * durationMs);
}

/** Picks a key with probability proportional to its weight. */
export function weightedPick<K extends string>(
  weights: Readonly<Record<K, number>>,
  random: () => number,
): K {
  const entries = Object.entries(weights) as Array<[K, number]>;
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  if (!(total > 0)) throw new Error('weightedPick: the weights must add up to more than 0');
  let point = random() * total;
  for (const [key, weight] of entries) {
    point -= weight;
    if (point < 0) return key;
  }
  // Rounding left a sliver past the last weight.
  return entries.findLast(([, w]) => w > 0)![0];
}

/** Total seconds of `phases`. */
export const scheduleSeconds = (phases: readonly Phase[]) =>
  phases.reduce((sum, p) => sum + p.seconds, 0);
