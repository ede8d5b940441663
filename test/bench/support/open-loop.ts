/**
 * Fires an arrival schedule (arrivals.ts) against the clock: every request
 * starts when it is due, whether or not earlier ones have answered (open
 * model). Latency counts from the due time, so a generator that falls
 * behind (a busy event loop) adds to it instead of hiding it; how far
 * behind it fell is reported beside the figures as the send lag.
 * Bounded: at most `maxInFlight` requests at once (arrivals past that are
 * failures of kind `overflow`, never queued), each with its own timeout.
 */
import type { Arrival } from './arrivals.ts';
import { percentile, type Sample } from './load-stats.ts';

/** One request: resolves to its kind and whether it got the answer it expects. */
export type Fire = (
  arrival: Arrival,
  signal: AbortSignal,
) => Promise<{ kind: string; ok: boolean }>;

export interface OpenLoopOptions {
  maxInFlight: number;
  timeoutMs: number;
}

export interface OpenLoopResult {
  samples: Sample[];
  /** How late requests were sent after their due time (generator overload). */
  sendLagP99Ms: number;
  maxInFlightSeen: number;
  /** Requests that could not start because maxInFlight were outstanding. */
  overflow: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runOpenLoop(
  arrivals: readonly Arrival[],
  fire: Fire,
  options: OpenLoopOptions,
): Promise<OpenLoopResult> {
  const samples: Sample[] = [];
  const lags: number[] = [];
  const pending = new Set<Promise<void>>();
  let overflow = 0;
  let maxInFlightSeen = 0;
  const start = performance.now();

  const launch = (arrival: Arrival) => {
    const dueAt = start + arrival.atMs;
    lags.push(performance.now() - dueAt);
    if (pending.size >= options.maxInFlight) {
      overflow += 1;
      samples.push({ kind: 'overflow', phase: arrival.phase, ms: 0, ok: false });
      return;
    }
    const signal = AbortSignal.timeout(options.timeoutMs);
    const request = fire(arrival, signal)
      .catch(() => ({ kind: 'failed', ok: false }))
      .then(({ kind, ok }) => {
        samples.push({ kind, phase: arrival.phase, ms: performance.now() - dueAt, ok });
        pending.delete(request);
      });
    pending.add(request);
    maxInFlightSeen = Math.max(maxInFlightSeen, pending.size);
  };

  let next = 0;
  while (next < arrivals.length) {
    const now = performance.now() - start;
    while (next < arrivals.length && arrivals[next]!.atMs <= now) launch(arrivals[next++]!);
    if (next < arrivals.length) {
      // Wake for the next due request, but at least every 10 ms: timers are
      // coarse under load and a late wake-up is a late request.
      await sleep(Math.min(10, Math.max(0, arrivals[next]!.atMs - (performance.now() - start))));
    }
  }
  await Promise.all(pending);
  lags.sort((a, b) => a - b);
  return {
    samples,
    sendLagP99Ms: Math.round(percentile(lags, 99) * 10) / 10 || 0,
    maxInFlightSeen,
    overflow,
  };
}
