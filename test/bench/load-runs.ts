/**
 * load-spike, load-stress, load-soak: mixed realistic traffic
 * (support/mixed-traffic.ts: submissions of small CSVs, status polls,
 * result downloads, list pages) from an arrival-rate generator
 * (support/arrivals.ts, support/open-loop.ts) against a real API with one
 * worker behind it, on loopback, in the platform plan's shape: warm-up
 * 10/s, sustained 50/s, peak 100/s. Each profile reports p50/p95/p99 per
 * request kind and overall, the error rate and whether the service
 * objectives (p95 < 500 ms, errors < 1 %) were met.
 *
 * - spike: warm-up, sustained, a sudden jump to peak, back to sustained
 *   (one continuous schedule: nothing drains between phases);
 * - stress: warm-up, then steps from sustained upwards past peak until a
 *   step misses the objectives (each step drains before the next is judged);
 * - soak: warm-up, a settling stretch, then the sustained rate for a
 *   bounded time with the API's and worker's RSS, PostgreSQL's connection
 *   count and Redis' memory sampled, and their growth over the window.
 */
import { type Arrival, arrivalSchedule, type Phase, seededRandom } from './support/arrivals.ts';
import {
  growth,
  highestPassingRate,
  type LatencySummary,
  type Point,
  type Sample,
  SERVICE_OBJECTIVES,
  summarize,
  summarizeByKind,
  verdict,
} from './support/load-stats.ts';
import { type MixedTraffic, mixedTraffic, TRAFFIC_MIX } from './support/mixed-traffic.ts';
import { type OpenLoopResult, runOpenLoop } from './support/open-loop.ts';
import { startSampler } from './support/resource-sampler.ts';
import { compare, round, type ScenarioResult } from './support/result.ts';
import { withScope } from './support/scope.ts';
import { type App, say, startApi, startServices, startWorker } from './support/stack.ts';

export interface LoadRates {
  warmup: number;
  sustained: number;
  peak: number;
}

/** Bounds of every run: a stuck server costs at most this, never the machine. */
const LIMITS = { maxInFlight: 500, timeoutMs: 10_000 };
/** A soak series is flat when its fitted rise over the window is under 10 % of its mean. */
const FLAT_TOLERANCE = 0.1;

interface LoadStack {
  apiUrl: string;
  api: App;
  worker: App;
  databaseUrl: string;
  redisUrl: string;
  traffic: MixedTraffic;
}

function withLoadStack<T>(name: string, fn: (stack: LoadStack) => Promise<T>): Promise<T> {
  return withScope(async (scope) => {
    const services = await startServices(scope, name);
    // One loopback client stands for many integrators: the per-client upload
    // cap (8 at once) would refuse what many clients' uploads are allowed.
    const api = await startApi(scope, services, {
      MAX_CONCURRENT_UPLOADS_PER_CLIENT: String(LIMITS.maxInFlight),
    });
    const worker = await startWorker(scope, services, 'worker-1');
    return fn({
      apiUrl: api.url,
      api: api.app,
      worker,
      databaseUrl: services.postgres.url,
      redisUrl: services.redis.url,
      traffic: mixedTraffic(api.url, seededRandom(17)),
    });
  });
}

const fire = (stack: LoadStack, arrivals: Arrival[]) =>
  runOpenLoop(arrivals, stack.traffic.fire, LIMITS);

/** A window's figures: overall, per kind, and the objectives' verdict. */
function windowFigures(samples: readonly Sample[]) {
  const overall = summarize(samples);
  const { met, missed } = verdict(overall, SERVICE_OBJECTIVES);
  return {
    overall: shown(overall),
    byKind: Object.fromEntries(
      Object.entries(summarizeByKind(samples)).map(([kind, s]) => [kind, shown(s)]),
    ),
    objectivesMet: met,
    missed,
  };
}

/** A summary as a table cell shows it (error rate in %). */
const shown = (s: LatencySummary) => ({
  requests: s.requests,
  errorPct: round(s.errorRate * 100, 2),
  p50Ms: s.p50Ms,
  p95Ms: s.p95Ms,
  p99Ms: s.p99Ms,
  maxMs: s.maxMs,
});

const generatorFigures = (runs: OpenLoopResult[], traffic: MixedTraffic) => ({
  generatorSendLagP99Ms: Math.max(...runs.map((r) => r.sendLagP99Ms)),
  maxInFlight: Math.max(...runs.map((r) => r.maxInFlightSeen)),
  overflow: runs.reduce((n, r) => n + r.overflow, 0),
  jobs: traffic.counts(),
  mix: TRAFFIC_MIX,
});

const measuredOf = (phases: readonly Phase[], samples: readonly Sample[]) =>
  samples.filter((s) => phases[s.phase]!.measured);

export function loadSpike(
  rates: LoadRates,
  seconds: { warmup: number; sustained: number; spike: number },
): Promise<ScenarioResult> {
  return withLoadStack('load-spike', async (stack) => {
    const phases: Phase[] = [
      { name: 'warm-up', ratePerSecond: rates.warmup, seconds: seconds.warmup, measured: false },
      {
        name: 'sustained',
        ratePerSecond: rates.sustained,
        seconds: seconds.sustained,
        measured: true,
      },
      { name: 'spike', ratePerSecond: rates.peak, seconds: seconds.spike, measured: true },
      { name: 'after', ratePerSecond: rates.sustained, seconds: seconds.sustained, measured: true },
    ];
    say(`load-spike: ${phases.map((p) => `${p.ratePerSecond}/s × ${p.seconds} s`).join(', ')}`);
    const run = await fire(stack, arrivalSchedule(phases, 'poisson', seededRandom(1)));
    const whole = windowFigures(measuredOf(phases, run.samples));
    const perPhase = Object.fromEntries(
      phases
        .map((phase, index) => [phase, index] as const)
        .filter(([phase]) => phase.measured)
        .map(([phase, index]) => {
          const w = windowFigures(run.samples.filter((s) => s.phase === index));
          return [`phase.${phase.name}`, { ...w.overall, objectivesMet: w.objectivesMet }];
        }),
    );
    const spikePhase = phases.findIndex((p) => p.name === 'spike');
    const spike = windowFigures(run.samples.filter((s) => s.phase === spikePhase));
    return {
      scenario: 'load-spike',
      comparisons: [
        compare(
          `p95 ms during the jump to ${rates.peak}/s (reference: the 500 ms objective)`,
          spike.overall.p95Ms,
          SERVICE_OBJECTIVES.p95Ms,
        ),
        compare(
          'error % over the measured phases (reference: the 1 % objective)',
          whole.overall.errorPct,
          SERVICE_OBJECTIVES.errorRate * 100,
        ),
      ],
      objectivesMet: whole.objectivesMet,
      spikeObjectivesMet: spike.objectivesMet,
      missed: whole.missed,
      phases: phases.map((p) => `${p.name} ${p.ratePerSecond}/s × ${p.seconds} s`),
      overall: whole.overall,
      ...perPhase,
      ...prefixedKinds(whole.byKind),
      ...generatorFigures([run], stack.traffic),
    };
  });
}

export function loadStress(
  rates: LoadRates,
  steps: { warmupSeconds: number; seconds: number; rateStep: number; maxRate: number },
): Promise<ScenarioResult> {
  return withLoadStack('load-stress', async (stack) => {
    say(`load-stress: warm-up ${rates.warmup}/s × ${steps.warmupSeconds} s`);
    const runs = [
      await fire(
        stack,
        arrivalSchedule(
          [
            {
              name: 'warm-up',
              ratePerSecond: rates.warmup,
              seconds: steps.warmupSeconds,
              measured: false,
            },
          ],
          'poisson',
          seededRandom(1),
        ),
      ),
    ];
    const results: Array<{ ratePerSecond: number; met: boolean } & ReturnType<typeof shown>> = [];
    let byKindAtHighest: Record<string, ReturnType<typeof shown>> = {};
    let missed: string[] = [];
    for (let rate = rates.sustained; rate <= steps.maxRate; rate += steps.rateStep) {
      say(`load-stress: step ${rate}/s × ${steps.seconds} s`);
      const phase: Phase = {
        name: `${rate}/s`,
        ratePerSecond: rate,
        seconds: steps.seconds,
        measured: true,
      };
      const run = await fire(stack, arrivalSchedule([phase], 'poisson', seededRandom(rate)));
      runs.push(run);
      const w = windowFigures(run.samples);
      results.push({ ratePerSecond: rate, met: w.objectivesMet, ...w.overall });
      if (!w.objectivesMet) {
        missed = w.missed;
        break;
      }
      byKindAtHighest = w.byKind;
    }
    const highest = highestPassingRate(results);
    return {
      scenario: 'load-stress',
      comparisons: [
        compare(
          `highest rate/s meeting the objectives (reference: the planned peak, ${rates.peak}/s)`,
          highest ?? 0,
          rates.peak,
        ),
      ],
      highestRateMeetingObjectives: highest,
      firstMissedRate: results.find((r) => !r.met)?.ratePerSecond ?? null,
      missedAtFirstMissedRate: missed,
      reachedMaxRateWithoutMiss: results.every((r) => r.met),
      ...Object.fromEntries(results.map((r) => [`step.${r.ratePerSecond}/s`, r])),
      ...prefixedKinds(byKindAtHighest, 'atHighest'),
      ...generatorFigures(runs, stack.traffic),
    };
  });
}

export function loadSoak(
  rates: LoadRates,
  seconds: { warmup: number; settle: number; soak: number; sampleEvery: number },
): Promise<ScenarioResult> {
  return withLoadStack('load-soak', async (stack) => {
    const phases: Phase[] = [
      { name: 'warm-up', ratePerSecond: rates.warmup, seconds: seconds.warmup, measured: false },
      // Pools open their connections and the JIT settles: not part of the growth.
      { name: 'settle', ratePerSecond: rates.sustained, seconds: seconds.settle, measured: false },
      { name: 'soak', ratePerSecond: rates.sustained, seconds: seconds.soak, measured: true },
    ];
    say(`load-soak: ${phases.map((p) => `${p.name} ${p.ratePerSecond}/s × ${p.seconds} s`)}`);
    const run = fire(stack, arrivalSchedule(phases, 'poisson', seededRandom(1)));
    // The sampler starts with the soak phase and stops when its last request is due.
    await new Promise((r) => setTimeout(r, (seconds.warmup + seconds.settle) * 1000));
    const submittedBefore = stack.traffic.counts().submitted;
    const sampler = await startSampler(
      { api: stack.api.pid, worker: stack.worker.pid },
      { postgres: stack.databaseUrl, redis: stack.redisUrl },
      seconds.sampleEvery * 1000,
    );
    await new Promise((r) => setTimeout(r, seconds.soak * 1000));
    const series = await sampler.stop();
    const submittedInWindow = stack.traffic.counts().submitted - submittedBefore;
    const redis = series.redisUsedMemoryMB;
    const result = await run;
    const w = windowFigures(measuredOf(phases, result.samples));
    const named = Object.entries(series) as Array<[string, Point[]]>;
    const grown = Object.fromEntries(named.map(([name, points]) => [name, growthFigures(points)]));
    const flat = Object.values(grown).every((g) => g.flat);
    const last = (p: Point[]) => round(p.at(-1)!.value, 1);
    return {
      scenario: 'load-soak',
      comparisons: [
        compare(
          'API RSS MiB, last sample / first sample (flat = 1.0)',
          last(series.apiRssMB),
          round(series.apiRssMB[0]!.value, 1),
        ),
        compare(
          'worker RSS MiB, last sample / first sample (flat = 1.0)',
          last(series.workerRssMB),
          round(series.workerRssMB[0]!.value, 1),
        ),
        compare(
          `p95 ms at ${rates.sustained}/s (reference: the 500 ms objective)`,
          w.overall.p95Ms,
          SERVICE_OBJECTIVES.p95Ms,
        ),
      ],
      objectivesMet: w.objectivesMet,
      missed: w.missed,
      noGrowth: flat,
      soakSeconds: seconds.soak,
      samples: series.apiRssMB.length,
      // Redis keeps completed BullMQ jobs (a day, at most 10,000 per queue)
      // and finished jobs' statuses (JOB_CACHE_TTL_SECONDS): it grows with
      // jobs until those bounds, by design. What one job costs there:
      redisKBPerJobSubmitted: submittedInWindow
        ? round(((redis.at(-1)!.value - redis[0]!.value) * 1024) / submittedInWindow, 2)
        : null,
      ...grown,
      ...Object.fromEntries(
        named.map(([name, points]) => [
          `${name}.series`,
          points.map((p) => round(p.value, 1)).join(' '),
        ]),
      ),
      overall: w.overall,
      ...prefixedKinds(w.byKind),
      ...generatorFigures([result], stack.traffic),
    };
  });
}

function growthFigures(points: Point[]) {
  const g = growth(points, FLAT_TOLERANCE);
  return {
    first: round(g.first, 1),
    last: round(g.last, 1),
    slopePerMinute: round(g.slopePerMinute, 2),
    growthPct: round(g.relativeGrowth * 100, 1),
    flat: g.flat,
  };
}

function prefixedKinds(byKind: Record<string, unknown>, prefix = 'kind'): Record<string, unknown> {
  return Object.fromEntries(Object.entries(byKind).map(([k, v]) => [`${prefix}.${k}`, v]));
}
