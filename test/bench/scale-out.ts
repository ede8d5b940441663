/**
 * scale-out: the same realistic normalize job with 1, 2, 4 and 8 worker
 * processes, each confined to its own small CPU quota (cgroup v1 cpu,
 * support/cpu-cgroup.ts), so that a 2-core machine can show how throughput
 * grows with the number of workers until PostgreSQL, Redis or the API (not
 * confined) become the limit. Per N: rows/s of the chunk phase (first claim
 * to last chunk committed, PostgreSQL clock: what workers share) and submit
 * to completed (adds the upload and the finalize, one process each whatever
 * N is), how the chunks spread over the workers, and the CPU the unconfined
 * processes and the workers used from submit to completed (and the whole
 * host: on a shared machine other work shows there).
 *
 * The workers are warmed up first by an untimed job (a sixteenth of the rows
 * per worker): start-up and JIT warm-up are a one-off cost per process, which
 * a cold run would charge to 8 workers eight times.
 *
 * Each worker has one thread and takes one chunk at a time (the defaults:
 * WORKER_CONCURRENCY = WORKER_THREADS), so a worker never holds a chunk
 * another, idle one could run and the spread stays even; a second chunk in
 * flight would overlap a chunk's load and commit with the next one's
 * normalizing, raising every N's rate alike but making the spread uneven.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { phases, writeContactsFile } from './support/contacts.ts';
import { type CpuGroup, cpuCgroupUnavailable, createCpuGroup } from './support/cpu-cgroup.ts';
import { submitFile, waitForJob } from './support/jobs.ts';
import { hostCpuSeconds, treeCpuSeconds } from './support/proc-cpu.ts';
import { compare, prefixed, round, type ScenarioResult, type Skipped } from './support/result.ts';
import { withScope } from './support/scope.ts';
import {
  type Api,
  type App,
  type Services,
  say,
  startApi,
  startServices,
  startWorker,
} from './support/stack.ts';

const WORKER_COUNTS = [1, 2, 4, 8];
/** The goal: throughput(N) / throughput(1) at least this times N. */
const GOAL_EFFICIENCY = 0.85;
/**
 * Each worker's share of the warm-up job, as a fraction of the measured
 * job's rows (about 6 chunks each): the same warm-up per worker whatever N.
 */
const WARM_UP_SHARE_PER_WORKER = 1 / 16;
/** How long the warmed-up workers are watched idle before the job. */
const IDLE_SAMPLE_MS = 3_000;

interface RunFigures {
  workers: number;
  chunks: number;
  /** Chunks committed by each worker, most first. */
  chunksPerWorker: string;
  uploadSeconds: number;
  chunkPhaseSeconds: number;
  chunkPhaseRowsPerSecond: number;
  finalizeSeconds: number;
  totalSeconds: number;
  totalRowsPerSecond: number;
  /** Cores used on average from submit to completed (the whole host: ours and others' work). */
  cores: { postgres: number; redis: number; api: number; workers: number; host: number };
  /** Rows per CPU second of all workers together: the work a row costs them. */
  rowsPerWorkerCpuSecond: number;
  /** The workers' CPU seconds over the chunk phase's length: cores they got while it ran. */
  workerCoresInChunkPhase: number;
  /** What one idle, warmed-up worker uses (lock renewals, timers), measured before the job. */
  idleCoresPerWorker: number;
  /** Share of the workers' CFS periods in which the quota stopped them. */
  throttledShare: number;
}

/** CPU seconds so far of everything measured. */
function cpuSample(services: Services, api: Api, workers: App[]) {
  return {
    at: performance.now(),
    postgres: treeCpuSeconds(services.postgres.pid!),
    redis: treeCpuSeconds(services.redis.pid!),
    api: treeCpuSeconds(api.app.pid),
    workers: workers.reduce((sum, w) => sum + treeCpuSeconds(w.pid), 0),
    host: hostCpuSeconds().busy,
  };
}

async function chunkSpread(databaseUrl: string, jobId: string): Promise<number[]> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ chunks: number }>(
      `select count(*)::int as chunks from job_chunks
        where job_id = $1 group by processed_by order by 1 desc`,
      [jobId],
    );
    return rows.map((r) => r.chunks);
  } finally {
    await db.end();
  }
}

/** One normalize job of `file` with `n` confined workers. */
function runWith(
  services: Services,
  api: Api,
  file: string,
  warmUpRowsPerWorker: number,
  n: number,
  cores: number,
): Promise<RunFigures> {
  return withScope(async (scope) => {
    const workers: App[] = [];
    const groups: CpuGroup[] = [];
    for (let i = 1; i <= n; i++) {
      // The group first: the scope removes it after it stopped the worker.
      const group = createCpuGroup(scope, cores);
      const worker = await startWorker(scope, services, `worker-${i}`, {
        WORKER_THREADS: '1',
        WORKER_CONCURRENCY: '1',
      });
      group.add(worker.pid);
      groups.push(group);
      workers.push(worker);
    }
    // Untimed: its thread loads the normalizers after it reports ready.
    say(`scale-out: warm-up job with ${n} worker(s)`);
    const warmUp = join(services.dir, `warm-up-${n}.csv`);
    await writeContactsFile(warmUp, warmUpRowsPerWorker * n);
    await waitForJob(api.url, (await submitFile(api.url, warmUp)).id, { intervalMs: 100 });
    const idle = cpuSample(services, api, workers);
    await new Promise((r) => setTimeout(r, IDLE_SAMPLE_MS));
    const before = cpuSample(services, api, workers);
    const idleCoresPerWorker = (before.workers - idle.workers) / ((before.at - idle.at) / 1000) / n;
    const throttledBefore = groups.map((g) => g.stat());
    say(`scale-out: normalize job with ${n} worker(s) of ${cores} cores each`);
    const submitted = await submitFile(api.url, file);
    const job = await waitForJob(api.url, submitted.id, { intervalMs: 100 });
    const after = cpuSample(services, api, workers);
    const totalSeconds = (performance.now() - submitted.startedMs) / 1000;
    const seconds = (after.at - before.at) / 1000;
    const used = (key: Exclude<keyof typeof after, 'at'>) =>
      round((after[key] - before[key]) / seconds, 2);
    const periods = groups.map((g, i) => {
      const [now, then] = [g.stat(), throttledBefore[i]!];
      return {
        all: (now.nr_periods ?? 0) - (then.nr_periods ?? 0),
        throttled: (now.nr_throttled ?? 0) - (then.nr_throttled ?? 0),
      };
    });
    const allPeriods = periods.reduce((s, p) => s + p.all, 0);
    const { chunkSeconds, mergeSeconds } = await phases(services.postgres.url, submitted.id);
    const spread = await chunkSpread(services.postgres.url, submitted.id);
    const rows = job.counts.rowsTotal;
    return {
      workers: n,
      chunks: job.progress.chunksTotal,
      chunksPerWorker: spread.join('/'),
      uploadSeconds: round(submitted.uploadSeconds, 1),
      chunkPhaseSeconds: round(chunkSeconds, 2),
      chunkPhaseRowsPerSecond: Math.round(rows / chunkSeconds),
      finalizeSeconds: round(mergeSeconds, 2),
      totalSeconds: round(totalSeconds, 1),
      totalRowsPerSecond: Math.round(rows / totalSeconds),
      cores: {
        postgres: used('postgres'),
        redis: used('redis'),
        api: used('api'),
        workers: used('workers'),
        host: used('host'),
      },
      rowsPerWorkerCpuSecond: Math.round(rows / (after.workers - before.workers)),
      workerCoresInChunkPhase: round((after.workers - before.workers) / chunkSeconds, 2),
      idleCoresPerWorker: round(idleCoresPerWorker, 3),
      throttledShare: allPeriods
        ? round(periods.reduce((s, p) => s + p.throttled, 0) / allPeriods, 2)
        : 0,
    };
  });
}

export function scaleOut(
  rows: number,
  cores: number,
  chunkBytes: string,
): Promise<ScenarioResult | Skipped> {
  const unavailable = cpuCgroupUnavailable();
  if (unavailable)
    return Promise.resolve({
      scenario: 'scale-out',
      skipped: `no CPU quotas on this machine, nothing measured: ${unavailable}`,
    });
  return withScope(async (scope) => {
    const services = await startServices(scope, 'scale-out');
    const file = join(services.dir, 'contacts.csv');
    const bytes = await writeContactsFile(file, rows);
    const api = await startApi(scope, services, {
      CHUNK_BYTES: chunkBytes,
      MAX_UPLOAD_BYTES: `${bytes + 1024 ** 2}`,
    });
    const runs: RunFigures[] = [];
    const warmUpRows = Math.ceil(rows * WARM_UP_SHARE_PER_WORKER);
    for (const n of WORKER_COUNTS)
      runs.push(await runWith(services, api, file, warmUpRows, n, cores));
    const one = runs[0]!;
    const speedup = (r: Pick<RunFigures, 'chunkPhaseRowsPerSecond'>) =>
      r.chunkPhaseRowsPerSecond / one.chunkPhaseRowsPerSecond;
    const belowGoal = runs.find((r) => speedup(r) < GOAL_EFFICIENCY * r.workers);
    return {
      scenario: 'scale-out',
      comparisons: [
        ...runs
          .slice(1)
          .map((r) =>
            compare(
              `rows/s, chunk phase, ${r.workers} workers / 1 worker (${cores} cores each)`,
              r.chunkPhaseRowsPerSecond,
              one.chunkPhaseRowsPerSecond,
            ),
          ),
        compare(
          `rows/s, submit to completed, ${runs.at(-1)!.workers} workers / 1 worker`,
          runs.at(-1)!.totalRowsPerSecond,
          one.totalRowsPerSecond,
        ),
      ],
      rows,
      fileMB: round(bytes / 1024 ** 2, 1),
      chunkBytes,
      coresPerWorker: cores,
      machineCores: availableParallelism(),
      efficiencyGoal: `${GOAL_EFFICIENCY} x N`,
      firstBelowGoal: belowGoal ? `${belowGoal.workers} workers` : 'none',
      ...Object.assign(
        {},
        ...runs.map(({ workers, ...figures }) =>
          prefixed(`${workers}w`, {
            ...figures,
            speedup: round(speedup(figures), 2),
            efficiency: round(speedup(figures) / workers, 2),
          }),
        ),
      ),
    };
  });
}
