/**
 * The load runs' arithmetic: latency percentiles, error rates, the service
 * objectives' verdict, the stress run's highest passing rate and the soak's
 * growth slopes. Pure, so it is unit-tested apart from any timing.
 */

/** One request's outcome as the generator saw it. */
export interface Sample {
  kind: string;
  /** Index of the schedule phase it arrived in. */
  phase: number;
  /** From its due time to its last response byte (or its failure). */
  ms: number;
  ok: boolean;
}

export interface LatencySummary {
  requests: number;
  errors: number;
  /** errors / requests (0 without requests). */
  errorRate: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * Nearest-rank percentile (the smallest value with at least p % of the
 * values at or below it) of values sorted ascending; NaN for none.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (p <= 0) return sorted[0]!;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

const ms = (n: number) => Math.round(n * 10) / 10;

/**
 * Latency percentiles over every request, failed ones included (a timeout
 * is the slowest answer there is; leaving it out would flatter the tail).
 */
export function summarize(samples: readonly Sample[]): LatencySummary {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const errors = samples.filter((s) => !s.ok).length;
  return {
    requests: samples.length,
    errors,
    errorRate: samples.length ? errors / samples.length : 0,
    p50Ms: ms(percentile(sorted, 50)),
    p95Ms: ms(percentile(sorted, 95)),
    p99Ms: ms(percentile(sorted, 99)),
    maxMs: ms(sorted.at(-1) ?? Number.NaN),
  };
}

/** The summary per request kind, kinds in first-seen order. */
export function summarizeByKind(samples: readonly Sample[]): Record<string, LatencySummary> {
  const groups = new Map<string, Sample[]>();
  for (const s of samples) {
    const group = groups.get(s.kind);
    if (group) group.push(s);
    else groups.set(s.kind, [s]);
  }
  return Object.fromEntries([...groups].map(([kind, group]) => [kind, summarize(group)]));
}

export interface Objectives {
  /** p95 latency must stay under this. */
  p95Ms: number;
  /** The error rate must stay under this (0.01 = 1 %). */
  errorRate: number;
}

/** The platform plan's service objectives: p95 < 500 ms, errors < 1 %. */
export const SERVICE_OBJECTIVES: Objectives = { p95Ms: 500, errorRate: 0.01 };

export interface Verdict {
  met: boolean;
  /** What was missed, in words ("p95 612 ms >= 500 ms"); empty when met. */
  missed: string[];
}

/** Whether `summary` meets `objectives`; a window without requests meets nothing. */
export function verdict(summary: LatencySummary, objectives: Objectives): Verdict {
  const missed: string[] = [];
  if (summary.requests === 0) missed.push('no requests');
  if (!(summary.p95Ms < objectives.p95Ms))
    missed.push(`p95 ${summary.p95Ms} ms >= ${objectives.p95Ms} ms`);
  if (!(summary.errorRate < objectives.errorRate))
    missed.push(
      `errors ${(summary.errorRate * 100).toFixed(2)} % >= ${objectives.errorRate * 100} %`,
    );
  return { met: missed.length === 0, missed };
}

/**
 * The stress run's answer: the highest rate of the steps that met the
 * objectives before the first that missed them (a pass after a miss is
 * luck, not capacity); null when the first step already missed.
 */
export function highestPassingRate(
  steps: ReadonlyArray<{ ratePerSecond: number; met: boolean }>,
): number | null {
  let highest: number | null = null;
  for (const step of steps) {
    if (!step.met) break;
    highest = Math.max(highest ?? step.ratePerSecond, step.ratePerSecond);
  }
  return highest;
}

export interface Point {
  seconds: number;
  value: number;
}

/** Least-squares slope of value over time, per minute; 0 for fewer than 2 distinct times. */
export function slopePerMinute(points: readonly Point[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const meanT = points.reduce((s, p) => s + p.seconds, 0) / n;
  const meanV = points.reduce((s, p) => s + p.value, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const p of points) {
    covariance += (p.seconds - meanT) * (p.value - meanV);
    variance += (p.seconds - meanT) ** 2;
  }
  return variance === 0 ? 0 : (covariance / variance) * 60;
}

export interface Growth {
  first: number;
  last: number;
  mean: number;
  slopePerMinute: number;
  /** The fitted line's rise over the whole window, as a share of the mean. */
  relativeGrowth: number;
  /** relativeGrowth below the tolerance. */
  flat: boolean;
}

/**
 * Whether a sampled series stays flat: the least-squares line over the
 * window must rise by less than `tolerance` of the series' mean (a single
 * high sample, such as a GC about to run, moves the line little).
 */
export function growth(points: readonly Point[], tolerance: number): Growth {
  if (points.length === 0) throw new Error('growth: no samples');
  const slope = slopePerMinute(points);
  const mean = points.reduce((s, p) => s + p.value, 0) / points.length;
  const windowMinutes = (points.at(-1)!.seconds - points[0]!.seconds) / 60;
  const rise = slope * windowMinutes;
  const relativeGrowth = mean === 0 ? (rise === 0 ? 0 : Number.POSITIVE_INFINITY) : rise / mean;
  return {
    first: points[0]!.value,
    last: points.at(-1)!.value,
    mean,
    slopePerMinute: slope,
    relativeGrowth,
    flat: relativeGrowth < tolerance,
  };
}
