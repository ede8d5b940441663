/**
 * `pnpm bench [scenario...]`: runs benchmark scenarios (all of them by
 * default), prints one JSON line per scenario and records the figures in
 * docs/benchmarks.md: a section per scenario and a summary table of every
 * comparison at the top, both replaced when a scenario runs again.
 * Benchmarks are never tests: nothing here passes or fails on speed.
 * Progress and per-scenario elapsed time go to stderr.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { breakerRefusal } from './breaker-refusal.ts';
import { enqueue } from './enqueue.ts';
import { hostileInput } from './hostile-input.ts';
import { importE2e } from './import-e2e.ts';
import { ingest } from './ingest.ts';
import { type LoadRates, loadSoak, loadSpike, loadStress } from './load-runs.ts';
import { memory } from './memory.ts';
import { normalizeThroughput } from './normalize-throughput.ts';
import { pgbouncerPool } from './pgbouncer-pool.ts';
import { queueOverhead } from './queue-overhead.ts';
import { scaleOut } from './scale-out.ts';
import { scaling } from './scaling.ts';
import { markdownTable } from './support/markdown.ts';
import { compare, prefixed, round, type ScenarioResult, type Skipped } from './support/result.ts';
import { closeAllScopes } from './support/scope.ts';
import { say } from './support/stack.ts';
import { workerRecovery } from './worker-recovery.ts';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const ROWS = env('BENCH_ROWS', 1_000_000);
/** The load runs' arrival rates (requests/s): the platform plan's warm-up, sustained and peak. */
const LOAD_RATES: LoadRates = {
  warmup: env('BENCH_LOAD_WARMUP_RATE', 10),
  sustained: env('BENCH_LOAD_SUSTAINED_RATE', 50),
  peak: env('BENCH_LOAD_PEAK_RATE', 100),
};
const LOAD_WARMUP_SECONDS = env('BENCH_LOAD_WARMUP_SECONDS', 10);
const LOAD_MIX =
  "mixed traffic from an arrival-rate (open-model, Poisson) generator on loopback against the API (upload cap per client raised: one client stands for many) with one worker: 20 % submissions of a 20-row CSV, 50 % status polls of submitted jobs, 15 % result.csv downloads of jobs a poll saw completed, 15 % list pages (limit 20); latency from each request's due time to its last byte, failures (non-2xx, wrong answer, 10 s timeout, more than 500 in flight) included. Objectives: p95 < 500 ms and errors < 1 %";

const scenarios: Record<
  string,
  { describe: string; run: () => Promise<ScenarioResult | Skipped> }
> = {
  'normalize-throughput': {
    describe:
      "rows/s through one thread (normalizeChunk, the worker thread's task) for generated contacts (test/support/generate-contacts.ts, 10 columns, BENCH_THROUGHPUT_ROWS, default 200000) in two cases: realistic (nearly unique names, e-mails and phones, mixed phone and date formats, ~4 % invalid rows) and pooled (small pools: the per-chunk memo answers most cells). Reference: decode + parse the same chunks only",
    run: async () => {
      const r = await normalizeThroughput(env('BENCH_THROUGHPUT_ROWS', 200_000));
      return {
        scenario: r.scenario,
        ...prefixed('realistic', r.realistic),
        ...prefixed('pooled', r.pooled),
        reference: r.reference,
        machine: r.machine,
        comparisons: [
          compare(
            'rows/s, one thread, realistic contacts',
            r.realistic.sluiceRowsPerSecond,
            r.realistic.referenceRowsPerSecond,
          ),
          compare(
            'rows/s, one thread, pooled contacts (memo-friendly)',
            r.pooled.sluiceRowsPerSecond,
            r.pooled.referenceRowsPerSecond,
          ),
        ],
      };
    },
  },
  'hostile-input': {
    describe:
      'hostile cell values (21 shapes: one character or a short pattern repeated) through every column type (normalize + looksLike) at BENCH_HOSTILE_CHARS (default 100000) and a tenth of it, and one CSV record of twice as many fields; median of 3. Ratio: time at n / (10 × time at n/10): about 1 is linear, about 10 quadratic',
    run: async () => hostileInput(env('BENCH_HOSTILE_CHARS', 100_000)),
  },
  'import-e2e': {
    describe: `a generated realistic contacts CSV (BENCH_ROWS, default ${ROWS}; nearly unique names, e-mails and phones, mixed phone and date formats, ~4 % invalid rows) imported over HTTP into a dataset keyed by email (one worker, ./dev start's thread count); rows read per second from submit to job completed. References, each loading the same raw file into an unindexed all-text table on the same PostgreSQL (fsync off for all): pgloader (Debian package, installed on first run; CSV with its default settings, which trim blanks around unquoted values; issue 15's goal is Sluice >= 2x pgloader) and \`psql \\copy\` (the server's raw ceiling). Both references' row counts are checked`,
    run: () => importE2e(ROWS),
  },
  ingest: {
    describe:
      "MB/s from the first byte of a POST /v1/jobs to its 202 (stored, accepted; no worker running) for a realistic generated contacts file (BENCH_INGEST_ROWS, default 300000, about 33 MB), median of BENCH_INGEST_RUNS (default 3). Reference: the same bytes POSTed to a bare node:http server that stores them in the same PostgreSQL, one lz4-compressed bytea row per 1 MiB piece, as Sluice stores chunks (what any ingest path into PostgreSQL must do; the ratio is the cost of Sluice's own work on the way). transportOnlyMBps: the same server storing nothing",
    run: () => ingest(env('BENCH_INGEST_ROWS', 300_000), env('BENCH_INGEST_RUNS', 3)),
  },
  'queue-overhead': {
    describe:
      'a job of one-row chunks (BENCH_QUEUE_JOBS, default 5000; CHUNK_BYTES=1) through the real worker (1 thread, concurrency BENCH_QUEUE_CONCURRENCY, default 4): claim, load, thread, fenced commit, finalize; chunks/s from first claim to job completed. Reference: a bare BullMQ Worker with a no-op processor, same concurrency, same Redis, the same number of jobs added with addBulk; jobs/s from first active to last completed',
    run: () => queueOverhead(env('BENCH_QUEUE_JOBS', 5_000), env('BENCH_QUEUE_CONCURRENCY', 4)),
  },
  enqueue: {
    describe:
      'autocannon POSTs of a 3-row CSV to /v1/jobs for BENCH_ENQUEUE_SECONDS (default 10) at 50 and 200 connections; no worker runs (submissions only queue up). Reference: a bare express 5 app in its own process that reads the body and does one BullMQ queue.add on the same Redis. Ratios: sluice / reference (req/s: higher is better; p99: lower is better)',
    run: () => enqueue(env('BENCH_ENQUEUE_SECONDS', 10), [50, 200]),
  },
  'breaker-refusal': {
    describe:
      "PostgreSQL stopped and the API's postgres breaker open; autocannon POSTs of a 2-row CSV to /v1/jobs for BENCH_REFUSAL_SECONDS (default 10) at 50 connections, all answered 503 by the breaker. Reference: GET /health/live on the same API process under the same load. Ratios: sluice / reference",
    run: () => breakerRefusal(env('BENCH_REFUSAL_SECONDS', 10)),
  },
  memory: {
    describe:
      'peak RSS (VmHWM) of the API and of the worker (2 threads) for a generated realistic contacts file of BENCH_MEMORY_SMALL_MB (default 100) and BENCH_MEMORY_LARGE_MB (default 1000): upload, normalize, download result.csv, fresh processes per size, launcher NODE_OPTIONS and malloc settings (MALLOC_ARENA_MAX, MALLOC_MMAP_THRESHOLD_). Ratio: large / small (flat = 1.0)',
    run: () => memory(env('BENCH_MEMORY_SMALL_MB', 100), env('BENCH_MEMORY_LARGE_MB', 1000)),
  },
  'worker-recovery': {
    describe:
      "two workers (1 thread each) on a multi-chunk normalize job; one is killed with SIGKILL while it holds claimed, uncommitted chunks; seconds from its death to the last of those chunks claimed again by the other worker (PostgreSQL clock at both ends), median of BENCH_RECOVERY_RUNS (default 5) kills with the default lock settings. Reference: the same with BullMQ's defaults, 30 s lock and 30 s stalled check (Sluice's defaults before; BENCH_RECOVERY_REFERENCE_RUNS, default 3). Ratio: sluice / reference (lower is better)",
    run: () =>
      workerRecovery(env('BENCH_RECOVERY_RUNS', 5), env('BENCH_RECOVERY_REFERENCE_RUNS', 3)),
  },
  scaling: {
    describe: `the import-e2e import of a realistic contacts file (BENCH_SCALING_ROWS, default BENCH_ROWS) with 1 and then 2 worker processes of 1 thread each, API and PostgreSQL on the same ${availableParallelism()} cores. Ratio: 2 workers / 1 worker`,
    run: () => scaling(env('BENCH_SCALING_ROWS', ROWS)),
  },
  'scale-out': {
    describe:
      "a realistic contacts normalize job (BENCH_SCALE_OUT_ROWS, default 200000; the API's CHUNK_BYTES BENCH_SCALE_OUT_CHUNK_BYTES, default 256KB, so that 8 workers each get several chunks) with 1, 2, 4 and 8 worker processes of 1 thread and 1 chunk at a time, each confined to its own cgroup v1 cpu group of BENCH_SCALE_OUT_CORES (default 0.2) cores and warmed up by an untimed job of a sixteenth of the rows per worker; API, PostgreSQL and Redis unconfined. Per N: rows/s of the chunk phase (first claim to last chunk committed, PostgreSQL clock) and submit to completed, chunks per worker, cores used by PostgreSQL, Redis, API, workers and the whole host from submit to completed, rows per worker CPU second, the workers' cores over the chunk phase, share of the workers' CFS periods throttled. Ratio: N workers / 1 worker (goal: at least 0.85 x N); skipped, saying why, where cgroup v1 cpu is not writable",
    run: () =>
      scaleOut(
        env('BENCH_SCALE_OUT_ROWS', 200_000),
        env('BENCH_SCALE_OUT_CORES', 0.2),
        process.env.BENCH_SCALE_OUT_CHUNK_BYTES ?? '256KB',
      ),
  },
  'load-spike': {
    describe: `${LOAD_MIX}. Profile: warm-up ${LOAD_RATES.warmup}/s for BENCH_LOAD_WARMUP_SECONDS (default 10, not measured), ${LOAD_RATES.sustained}/s for BENCH_SPIKE_SUSTAINED_SECONDS (default 15), a sudden jump to ${LOAD_RATES.peak}/s for BENCH_SPIKE_SECONDS (default 15), back to ${LOAD_RATES.sustained}/s for BENCH_SPIKE_SUSTAINED_SECONDS, with no pause between (rates: BENCH_LOAD_WARMUP_RATE, BENCH_LOAD_SUSTAINED_RATE, BENCH_LOAD_PEAK_RATE). Reference: the objective`,
    run: () =>
      loadSpike(LOAD_RATES, {
        warmup: LOAD_WARMUP_SECONDS,
        sustained: env('BENCH_SPIKE_SUSTAINED_SECONDS', 15),
        spike: env('BENCH_SPIKE_SECONDS', 15),
      }),
  },
  'load-stress': {
    describe: `${LOAD_MIX}. Profile: warm-up ${LOAD_RATES.warmup}/s for BENCH_LOAD_WARMUP_SECONDS (default 10), then steps of BENCH_STRESS_STEP_SECONDS (default 10) from ${LOAD_RATES.sustained}/s up by BENCH_STRESS_RATE_STEP (default 50) to at most BENCH_STRESS_MAX_RATE (default 300), each step drained and judged before the next; stops at the first step that misses the objectives. Reference: the planned peak rate (${LOAD_RATES.peak}/s)`,
    run: () =>
      loadStress(LOAD_RATES, {
        warmupSeconds: LOAD_WARMUP_SECONDS,
        seconds: env('BENCH_STRESS_STEP_SECONDS', 10),
        rateStep: env('BENCH_STRESS_RATE_STEP', 50),
        maxRate: env('BENCH_STRESS_MAX_RATE', 300),
      }),
  },
  'load-soak': {
    describe: `${LOAD_MIX}. Profile: warm-up ${LOAD_RATES.warmup}/s for BENCH_LOAD_WARMUP_SECONDS (default 10), ${LOAD_RATES.sustained}/s for BENCH_SOAK_SETTLE_SECONDS (default 15, pools and JIT settling, not measured), then ${LOAD_RATES.sustained}/s for BENCH_SOAK_SECONDS (default 90) sampling every BENCH_SOAK_SAMPLE_SECONDS (default 5) the API's and the worker's RSS, PostgreSQL client connections and Redis used_memory; growthPct: the least-squares line's rise over the window as a % of the mean (flat: under 10 %). Redis keeps completed BullMQ jobs (a day, at most 10,000 per queue) and finished jobs' statuses (JOB_CACHE_TTL_SECONDS), so a soak shorter than those bounds sees its memory rise with the jobs submitted, by design: redisKBPerJobSubmitted is that cost per job. Ratios: last sample / first (flat = 1.0); p95 against the objective`,
    run: () =>
      loadSoak(LOAD_RATES, {
        warmup: LOAD_WARMUP_SECONDS,
        settle: env('BENCH_SOAK_SETTLE_SECONDS', 15),
        soak: env('BENCH_SOAK_SECONDS', 90),
        sampleEvery: env('BENCH_SOAK_SAMPLE_SECONDS', 5),
      }),
  },
  'pgbouncer-pool': {
    describe:
      "BENCH_POOL_CLIENTS (default 1000) concurrent clients, each its own connection to a real PgBouncer (Debian package) in transaction mode with default_pool_size 20 (at most 20 server connections), each looping over short transactions shaped like Sluice's status read (BEGIN; @sluice/db getJob's SELECT of a job with its chunk progress, 50 real jobs submitted through the API; COMMIT), for BENCH_POOL_SECONDS (default 8) saturated (no pause between transactions: the pool's worst case) and again paced (each client pausing a random 0.5-1.5 x BENCH_POOL_THINK_MS, default 1000, between transactions: about one status poll per client per second). Client wait measured at the client: from wanting a transaction to its BEGIN answered (queueing for a server connection + one round trip). PgBouncer's own view beside it: the largest SHOW POOLS maxwait sampled every 250 ms and SHOW STATS' average wait per transaction. Reference: the same clients sharing one node-postgres Pool of 20 direct PostgreSQL connections (wait: Pool.connect() + BEGIN). One Node process drives all clients on both sides (its CPU seconds reported)",
    run: () =>
      pgbouncerPool(
        env('BENCH_POOL_CLIENTS', 1000),
        env('BENCH_POOL_SECONDS', 8),
        env('BENCH_POOL_THINK_MS', 1000),
      ),
  },
};

// `--profile`: CPU profiles of the normalize loop and of the worker processes
// (support/cpu-profile.ts) into BENCH_PROFILE_DIR or a new temp folder; a
// profiled run's figures are printed but not recorded (profiling slows workers).
const args = process.argv.slice(2);
const profiling = args.includes('--profile');
const names = args.filter((a) => a !== '--profile');
if (profiling) {
  process.env.BENCH_PROFILE_DIR ||= mkdtempSync(join(tmpdir(), 'sluice-profile-'));
  mkdirSync(process.env.BENCH_PROFILE_DIR, { recursive: true });
}
for (const name of names) {
  if (!scenarios[name]) {
    console.error(`unknown scenario ${name}; known: ${Object.keys(scenarios).join(', ')}`);
    process.exit(2);
  }
}

const docs = fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url));
const machine = `${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round(totalmem() / 1024 ** 3)} GiB, Node ${process.version}`;
const SUMMARY_START = '<!-- summary -->';
const SUMMARY_END = '<!-- /summary -->';
const SUMMARY_HEADER = ['scenario', 'figure', 'sluice', 'reference', 'ratio', 'run'];

const cell = (v: unknown) =>
  String(typeof v === 'object' && v !== null ? JSON.stringify(v) : v).replace(/\|/g, '\\|');

/** Replaces the text between `start` and `end` (markers kept), or appends it. */
function replaceBetween(text: string, start: string, end: string, body: string): string {
  const block = `${start}\n${body}\n${end}`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  return i >= 0 && j > i
    ? text.slice(0, i) + block + text.slice(j + end.length)
    : `${text.trimEnd()}\n\n${block}\n`;
}

/** The summary table's rows as they are in the file (cells unescaped as written). */
function summaryRows(text: string): string[][] {
  const i = text.indexOf(SUMMARY_START);
  const j = text.indexOf(SUMMARY_END);
  if (i < 0 || j < i) return [];
  return text
    .slice(i + SUMMARY_START.length, j)
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2) // header and separator
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
}

function record(name: string, result: ScenarioResult, when: string) {
  let text = existsSync(docs)
    ? readFileSync(docs, 'utf8')
    : '# Benchmarks\n\nWritten by `pnpm bench`; each section is replaced when its scenario runs again.\n';
  const { scenario: _, comparisons, ...figures } = result;
  const section = [
    `## ${name}`,
    '',
    scenarios[name]!.describe,
    '',
    `Run ${when} UTC on ${machine}.`,
    '',
    markdownTable(
      ['figure', 'sluice', 'reference', 'ratio'],
      comparisons.map((c) => [c.figure, c.sluice, c.reference, c.ratio].map(cell)),
    ),
    '',
    markdownTable(
      ['figure', 'value'],
      Object.entries(figures).map(([k, v]) => [k, cell(v)]),
    ),
  ].join('\n');
  text = replaceBetween(text, `<!-- scenario:${name} -->`, `<!-- /scenario:${name} -->`, section);

  // Summary: this scenario's rows replace its old ones; order follows `scenarios`.
  const order = Object.keys(scenarios);
  const rows = [
    ...summaryRows(text).filter(
      (r) => r[0] !== `[${name}](#${name})` && order.some((n) => r[0] === `[${n}](#${n})`),
    ),
    ...comparisons.map((c) =>
      [`[${name}](#${name})`, c.figure, c.sluice, c.reference, c.ratio, when.slice(0, 10)].map(
        cell,
      ),
    ),
  ];
  const rank = (r: string[]) => order.findIndex((n) => r[0] === `[${n}](#${n})`);
  rows.sort((a, b) => rank(a) - rank(b));
  const summary = [
    '## Summary',
    '',
    'Every ratio is Sluice / reference, measured side by side in the same run (memory: large file / small file; scaling: 2 workers / 1 worker). Details per scenario below.',
    '',
    markdownTable(SUMMARY_HEADER, rows),
  ].join('\n');
  if (text.includes(SUMMARY_START)) {
    text = replaceBetween(text, SUMMARY_START, SUMMARY_END, summary);
  } else {
    // First summary: right after the introduction, before the first section.
    const first = text.indexOf('<!-- scenario:');
    const block = `${SUMMARY_START}\n${summary}\n${SUMMARY_END}\n\n`;
    text = first >= 0 ? text.slice(0, first) + block + text.slice(first) : `${text}\n${block}`;
  }
  writeFileSync(docs, `${text.trimEnd()}\n`);
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping everything the benchmark started`);
    void closeAllScopes().finally(() => process.exit(130));
  });
}

const started = performance.now();
let failed = 0;
for (const name of names.length ? names : Object.keys(scenarios)) {
  say(`${name}: starting`);
  const t0 = performance.now();
  try {
    const result = await scenarios[name]!.run();
    const elapsedSeconds = round((performance.now() - t0) / 1000, 1);
    if ('skipped' in result) {
      // Nothing measured: printed, and docs/benchmarks.md keeps its last real figures.
      console.log(JSON.stringify({ ...result, elapsedSeconds }));
      say(`${name}: SKIPPED: ${result.skipped}`);
      continue;
    }
    const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
    console.log(JSON.stringify({ ...result, elapsedSeconds }));
    if (!profiling) record(name, { ...result, elapsedSeconds }, when);
    say(`${name}: done in ${elapsedSeconds} s`);
  } catch (error) {
    failed += 1;
    say(
      `${name}: FAILED after ${round((performance.now() - t0) / 1000, 1)} s: ${(error as Error).stack}`,
    );
  }
}
if (profiling) {
  say(
    `profiles (.cpuprofile) in ${process.env.BENCH_PROFILE_DIR}: open in a flame-graph viewer, or node test/bench/profile-summary.ts FILE`,
  );
}
say(`all done in ${round((performance.now() - started) / 1000, 1)} s`);
process.exit(failed ? 1 : 0);
