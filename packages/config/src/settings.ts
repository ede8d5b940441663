import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { commonSettings } from './common-settings.ts';
import { databasePoolIssues } from './database-pool-settings.ts';
import { byteSize, originList, parseEnv, port } from './env.ts';
import {
  type RedisSettings,
  type RedisTarget,
  redisSettingsIssues,
  redisTargetOf,
} from './redis-settings.ts';

/**
 * The Redis variables checked together (exactly one of the three shapes,
 * a hash tag prefix for Cluster), reported with the other variables' issues
 * (`when`: also when some of those failed), and given to the processes as
 * one `redis` target.
 */
function withRedisTarget<S extends z.ZodType<RedisSettings>>(schema: S) {
  return schema
    .superRefine(
      (c, ctx) => {
        for (const issue of redisSettingsIssues(c)) ctx.addIssue({ code: 'custom', ...issue });
        for (const issue of databasePoolIssues(c as Record<string, unknown>)) {
          ctx.addIssue({ code: 'custom', ...issue });
        }
      },
      { when: () => true },
    )
    .transform((c) => ({ ...(c as z.output<S>), redis: redisTargetOf(c) as RedisTarget }));
}

const apiSchema = z
  .object({
    ...commonSettings,
    HOST: z.string().default('127.0.0.1'),
    PORT: port.default(8080),
    /**
     * Base URL used in links returned to clients (and an origin the admin UI
     * accepts actions from); unset, the address the client's connection
     * reached (http://HOST:PORT), never the request's Host header.
     */
    PUBLIC_URL: z.url().optional(),
    MAX_UPLOAD_BYTES: byteSize.default(1024 ** 3),
    /** Target size of one stored chunk; a chunk is one unit of work for a worker. */
    CHUNK_BYTES: byteSize.default(1024 ** 2),
    /**
     * A record larger than this rejects the upload, unless it has a line break
     * inside a quoted field within this size: then it is cut there (a quote
     * that never closes costs one row, see packages/csv/src/dialect.ts).
     */
    MAX_RECORD_BYTES: byteSize.default(1024 ** 2),
    MAX_COLUMNS: z.coerce.number().int().min(1).max(10_000).default(1000),
    /**
     * A request that takes longer than this (until its response is finished)
     * is logged at warn, `slow request`, besides its usual line; 0 turns the
     * warning off. Event streams (GET /v1/jobs/{id}/events) are long by
     * design and never warned about.
     */
    SLOW_REQUEST_MS: z.coerce.number().int().min(0).max(3_600_000).default(1000),
    /**
     * How long finished jobs' status stays cached in Redis (X-Cache on
     * GET /v1/jobs/{id}); a finished job never changes. 0 turns caching off.
     */
    JOB_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(604_800).default(3600),
    /**
     * Credentials (HTTP Basic) for the Bull Board UI at /admin/queues. Both or
     * neither: unset, the admin UI is disabled (404).
     */
    ADMIN_USER: z
      .string()
      .regex(/^[^:]{1,200}$/, 'expected 1-200 characters without ":"')
      .optional(),
    ADMIN_PASSWORD: z.string().min(12, 'expected at least 12 characters').max(1000).optional(),
    /**
     * On SIGTERM the API stops accepting connections and lets in-flight
     * requests (uploads) finish; after this long it exits with status 1.
     */
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
    // --- Slow and greedy clients (uploads) ---
    /**
     * A request body that arrives slower than this, measured over
     * UPLOAD_RATE_WINDOW_MS while the API waits for data, is cut off with
     * 408 upload_too_slow (a trickling client holds a socket and an upload
     * slot, never a database connection). 0 turns the check off.
     */
    UPLOAD_MIN_BYTES_PER_SECOND: z.coerce
      .number()
      .int()
      .min(0)
      .max(1024 ** 3)
      .default(10_240),
    UPLOAD_RATE_WINDOW_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(30_000),
    /**
     * "true": chunks of an upload are processed while it still arrives
     * (enqueued as they are stored, once the column profiler's sample is
     * complete) with the column plan inferred so far; at the end of the
     * upload the chunks done with another plan than the final one are
     * processed again. Results are the same either way; "false" processes
     * only after the whole upload has arrived. Off by default: on two cores
     * the first chunk finished before the upload ended but the total did not
     * move (the API and PostgreSQL take the cores while the upload arrives);
     * it is for workers on cores of their own.
     */
    UPLOAD_EARLY_PROCESSING: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    /** Uploads in progress at once, overall and per client address; more get 429 too_many_uploads. */
    MAX_CONCURRENT_UPLOADS: z.coerce.number().int().min(1).max(100_000).default(64),
    /**
     * How long an API process trusts an API key it has checked before asking
     * PostgreSQL again: a revocation takes effect within this. While
     * PostgreSQL is down, a key checked in the last 10 minutes stays trusted.
     */
    API_KEY_TRUST_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
    MAX_CONCURRENT_UPLOADS_PER_CLIENT: z.coerce.number().int().min(1).max(100_000).default(8),
    /**
     * Requests per minute per client on /v1, counted in Redis across API
     * instances: changes (POST, DELETE) and reads (GET) have separate
     * budgets; beyond them 429 rate_limited. 0 turns a budget off.
     */
    RATE_LIMIT_SUBMISSIONS_PER_MINUTE: z.coerce.number().int().min(0).max(10_000_000).default(120),
    RATE_LIMIT_READS_PER_MINUTE: z.coerce.number().int().min(0).max(10_000_000).default(3000),
    // --- Job events (GET /v1/jobs/{id}/events, server-sent events) ---
    /**
     * A comment line (`: keep-alive`) on every open event stream this often,
     * so proxies keep the connection; each tick also re-reads the watched
     * jobs from PostgreSQL (a lost Redis notification only delays an event).
     */
    SSE_HEARTBEAT_MS: z.coerce.number().int().min(50).max(600_000).default(15_000),
    /** Event streams open at once on one API process; more get 429 too_many_event_streams. */
    SSE_MAX_STREAMS: z.coerce.number().int().min(1).max(1_000_000).default(1000),
    /**
     * An API transaction left idle this long is ended by PostgreSQL (SET
     * LOCAL idle_in_transaction_session_timeout): no request can keep a
     * pooled connection "idle in transaction".
     */
    DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(100)
      .max(3_600_000)
      .default(10_000),

    // --- Admin UI: where its actions may come from (CSRF) ---
    /**
     * Origins the admin UI accepts actions (retry, clean, pause) from besides
     * PUBLIC_URL and the API's own address: other names the API is reached
     * under. The request's Host header is never trusted for this.
     */
    ADMIN_ALLOWED_ORIGINS: originList.default([]),

    // --- Compressed uploads (Content-Encoding gzip, deflate, br, zstd on POST /v1/jobs) ---
    /**
     * Most decoded bytes per received byte of a compressed upload (checked past
     * its first MiB): CSV rarely compresses 20:1, while 1 MB of gzip can decode
     * to 1 GB (a zip bomb). The decoded size counts against MAX_UPLOAD_BYTES.
     */
    MAX_DECOMPRESSION_RATIO: z.coerce.number().int().min(2).max(100_000).default(200),
    /**
     * Excel workbooks (.xlsx): most bytes of their shared strings part (the
     * text of their cells, decompressed XML), which is held in memory while
     * the sheet is read; a larger one is 413 payload_too_large.
     */
    MAX_WORKBOOK_SHARED_STRINGS_BYTES: byteSize.default(64 * 1024 ** 2),

    // --- Autoscaling ---
    /**
     * Chunks one worker should have at a time (in flight or waiting for it):
     * the API's sluice_desired_workers is the chunk backlog (waiting +
     * prioritized + delayed + active) over this, rounded up. About twice
     * the workers' WORKER_CONCURRENCY keeps each busy without a long queue.
     */
    WORKER_TARGET_CHUNKS_PER_WORKER: z.coerce.number().int().min(1).max(100_000).default(4),
  })
  .superRefine((c, ctx) => {
    if ((c.ADMIN_USER === undefined) !== (c.ADMIN_PASSWORD === undefined)) {
      const missing = c.ADMIN_USER === undefined ? 'ADMIN_USER' : 'ADMIN_PASSWORD';
      ctx.addIssue({
        code: 'custom',
        path: [missing],
        message:
          'ADMIN_USER and ADMIN_PASSWORD must be set together (or neither, to disable the admin UI)',
      });
    }
  });

const workerSchema = z.object({
  ...commonSettings,
  /**
   * piscina threads that parse and normalize chunks (CPU-bound). Default: one
   * per core this process may use (os.availableParallelism(), which honours
   * CPU affinity), so an idle machine's cores all normalize; the threads run
   * at WORKER_THREAD_NICE, so an API on the same machine still gets the CPU
   * first.
   */
  WORKER_THREADS: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(() => Math.min(64, availableParallelism())),
  /**
   * Nice value (0-19) the piscina threads lower themselves to, each its own
   * thread only (Linux: setpriority on the thread id), not the worker's main
   * thread, which renews BullMQ locks and commits chunks. Under load the
   * kernel then gives an API (or anything else at nice 0) on the same cores
   * the CPU first, and the threads take whatever is left. 0 keeps them at the
   * process' priority (e.g. a worker alone on its machine or in its pod).
   */
  WORKER_THREAD_NICE: z.coerce.number().int().min(0).max(19).default(10),
  /**
   * Chunks in flight per process; default WORKER_THREADS. More than threads
   * overlaps a chunk's load and commit with another's normalizing, but the
   * extra chunks wait in this worker's thread queue while other workers may
   * be idle: the chunks of a job then spread unevenly.
   */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).optional(),
  /** V8 old-space cap per thread: a hostile chunk fails its task, not the process. */
  THREAD_MAX_HEAP_MB: z.coerce.number().int().min(32).max(8192).default(256),
  /**
   * V8 young generation per thread. Normalizing makes short-lived garbage
   * fast: at 12 MB a chunk's working set outlived it and was promoted, and
   * full collections took a fifth of the threads' time (import of 300,000
   * realistic rows 7.5 -> 6.8 s at 32 MB; 48 and 96 MB no faster). Only
   * applies when the process has no --max-semi-space-size, which overrides it.
   */
  THREAD_YOUNG_GENERATION_MB: z.coerce.number().int().min(1).max(1024).default(32),
  MAX_COLUMNS: z.coerce.number().int().min(1).max(10_000).default(1000),
  /**
   * Row errors stored per job (errors.csv's rows); the job's counts stay
   * exact and it says when its report was cut. Bounds what one upload can
   * put into PostgreSQL (300,000 error rows from a 600 KB file otherwise).
   */
  MAX_ERROR_ROWS_PER_JOB: z.coerce.number().int().min(0).max(100_000_000).default(10_000),
  /**
   * A job whose first chunk rejected more than MAX_ERROR_RATE of its rows
   * fails at once (error_rate_exceeded: the wrong file, or wrong column
   * types), judged only when that chunk holds at least ERROR_RATE_MIN_ROWS
   * non-blank rows. 1 disables the rule.
   */
  MAX_ERROR_RATE: z.coerce.number().min(0).max(1).default(0.5),
  ERROR_RATE_MIN_ROWS: z.coerce.number().int().min(1).max(100_000_000).default(1000),
  /** Identifies this process in chunk bookkeeping; defaults to hostname:pid. */
  WORKER_ID: z
    .string()
    .regex(/^[\w.:-]{1,100}$/)
    .optional(),
  /** Serves /metrics and /health/live for this process when set (0 = any free port). */
  METRICS_PORT: port.optional(),
  METRICS_HOST: z.string().default('127.0.0.1'),
  /**
   * How often the reconciler re-enqueues jobs PostgreSQL says are unfinished
   * but Redis has lost (0 = off).
   */
  RECONCILE_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(30_000),
  /**
   * Finished jobs (with their input, output and row errors) are deleted this
   * many days after they finished; 0 keeps them forever. Rows an import
   * merged stay in its dataset. Webhook events and their delivery log go
   * as many days after they were recorded.
   */
  JOB_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(30),
  /**
   * The change log of an import (what revert and the row history read) is
   * deleted this many days after the import merged; 0 keeps it as long as
   * the job (JOB_RETENTION_DAYS). The job stays; it can no longer be
   * reverted.
   */
  ROW_HISTORY_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(0),
  /** How often the retention purge runs (once per interval across all workers). */
  RETENTION_PURGE_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .max(7 * 86_400_000)
    .default(3_600_000),
  /** A job younger than this is left alone (its upload may still be enqueuing it). */
  RECONCILE_GRACE_MS: z.coerce.number().int().min(0).max(86_400_000).default(30_000),
  /**
   * An upload never accepted (no 202 was sent: its client went away, or its
   * API process died) that has stored nothing for this long is removed by
   * the reconciler, chunks and all; it never runs. Longer than a chunk takes
   * to arrive at UPLOAD_MIN_BYTES_PER_SECOND (1 MB at 10 KiB/s: 100 s).
   */
  UPLOAD_ABANDON_AFTER_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(900_000),
  /** Webhook deliveries one worker process makes at once. */
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(16),
  /** A pending chunk claimed this often without finishing fails its job (it keeps killing workers). */
  RECONCILE_MAX_CHUNK_CLAIMS: z.coerce.number().int().min(2).max(1000).default(25),
  /**
   * BullMQ lock on a job being processed: the worker's liveness signal. A
   * live worker renews it four times per duration (the threads normalize,
   * so the event loop is free), so only a worker silent for three quarters
   * of it (dead, frozen, cut off from Redis) loses it. A killed worker's
   * chunks return to the queue once the lock expired and the stalled check
   * (every WORKER_STALLED_INTERVAL_MS, one worker per interval) ran: within
   * lock + interval, 7 s by default. A lock lost by a live worker costs
   * work, never rows: the chunk runs again and the stale commit is fenced.
   */
  WORKER_LOCK_DURATION_MS: z.coerce.number().int().min(1000).max(600_000).default(5000),
  WORKER_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).max(600_000).default(2000),
  /** Times a chunk may come back from a crashed worker before BullMQ fails it. */
  WORKER_MAX_STALLED_COUNT: z.coerce.number().int().min(1).max(100).default(3),
  /**
   * Tries, in all, of a merge that IMPORT_STATEMENT_TIMEOUT_MS cancels (a
   * lock held elsewhere may have passed since); then the job fails.
   */
  IMPORT_TIMEOUT_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  /**
   * On SIGTERM a worker takes no new jobs and lets in-flight ones finish;
   * after this long it exits with status 1 (its chunks return to the queue
   * once their lock expires and are processed elsewhere).
   */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
});

/**
 * Every variable each loader reads, by name: what deployment manifests may
 * set (deploy/k8s is checked against it). Others are ignored by the loaders.
 */
export const CONFIG_VARIABLES = {
  api: Object.keys(apiSchema.shape),
  worker: Object.keys(workerSchema.shape),
} as const;

const apiConfig = withRedisTarget(apiSchema);
const workerConfig = withRedisTarget(workerSchema);

export type ApiConfig = z.infer<typeof apiConfig>;
export type WorkerConfig = z.infer<typeof workerConfig>;

export function loadApiConfig(env: Record<string, string | undefined> = process.env): ApiConfig {
  return parseEnv(apiConfig, env);
}

export function loadWorkerConfig(
  env: Record<string, string | undefined> = process.env,
): WorkerConfig {
  return parseEnv(workerConfig, env);
}
