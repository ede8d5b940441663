import { z } from 'zod';
import { databasePoolSettings } from './database-pool-settings.ts';
import { logLevel, postgresUrl, queuePrefix } from './env.ts';
import { redisSettings } from './redis-settings.ts';

/** Settings every process that touches PostgreSQL and Redis shares. */
export const commonSettings = {
  DATABASE_URL: postgresUrl,
  ...redisSettings,
  QUEUE_PREFIX: queuePrefix.default('{sluice}'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  ...databasePoolSettings,
  /** Server-side cap for one statement (SET LOCAL statement_timeout). */
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  LOG_LEVEL: logLevel.default('info'),
  /**
   * How far V8 lets a process' heaps grow past their live size before the
   * next full collection, in percent (V8's --heap-growing-percent, set by the
   * process at start; 0 leaves V8's own factor). Both processes allocate
   * buffers fast against a small heap (the API an upload's chunks, a worker
   * its chunks' inputs and results), so V8 chose its lowest factor (10 %) and
   * marked the whole heap every few MB: a worker's event loop once per chunk
   * (44 full collections per 300,000-row import, 16 at 100; worker CPU per
   * import -13 %), the API a dozen times per 36 MB upload (its CPU per upload
   * 1.03-1.11 -> 0.62-0.66 s). Costs up to the live heap again in memory.
   */
  HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(1000).default(100),
  /**
   * When set, /metrics (the API's and each worker's) answers only scrapes
   * with `Authorization: Bearer <this>`; unset, it is open to whoever
   * reaches the port (no tenant key is ever needed for it).
   */
  METRICS_TOKEN: z.string().min(16).max(512).optional(),
  /**
   * Circuit breakers (one for PostgreSQL, one for Redis): how long an open
   * breaker refuses calls before one trial call (probe) may close it again.
   */
  BREAKER_RESET_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  /** Calls within the window before a breaker may open at all (one failure alone never opens it). */
  BREAKER_VOLUME_THRESHOLD: z.coerce.number().int().min(1).max(10_000).default(5),
  /** A breaker opens when more than this percentage of the window's calls failed. */
  BREAKER_ERROR_PERCENTAGE: z.coerce.number().int().min(1).max(100).default(50),
  /** Rolling window in which a breaker counts calls and failures. */
  BREAKER_WINDOW_MS: z.coerce.number().int().min(1_000).max(600_000).default(10_000),
  // --- Webhooks (the API enqueues deliveries too: cancel, redelivery) ---
  /** Attempts per delivery (per redelivery round), the first included; then it is failed. */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  /** First retry delay; each next one doubles (BullMQ exponential backoff). */
  WEBHOOK_BACKOFF_MS: z.coerce.number().int().min(10).max(3_600_000).default(10_000),
  /** One attempt's limit, connecting to the whole answer; past it the attempt failed. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /**
   * "true" lets webhook URLs reach loopback, private, link-local and other
   * non-public addresses (a receiver on the operator's own network, tests).
   * Off, such URLs are refused when registered and at every delivery
   * (the address the name resolves to then is the one connected to).
   */
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /**
   * Statement timeout while an import job merges into its dataset: one
   * transaction stages and upserts every accepted row, minutes for millions.
   * The API's too: promoting a dry run (POST /v1/jobs/{id}/promote) is that merge.
   */
  IMPORT_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(1000).default(1_800_000),
};
