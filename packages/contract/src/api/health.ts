import { z } from 'zod';

export const livenessSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Liveness' });

export const readinessSchema = z
  .object({
    status: z.enum(['ready', 'not_ready']),
    checks: z.record(
      z.enum(['postgres', 'migrations', 'redis']),
      z.object({ ok: z.boolean(), detail: z.string().optional() }),
    ),
  })
  .meta({ id: 'Readiness' });

const probe = { ok: z.boolean(), error: z.string().optional() };

/** This API process' PostgreSQL pool. */
const poolSchema = z.object({
  total: z.int().meta({ description: 'Connections open.' }),
  idle: z.int().meta({ description: 'Open connections not in use.' }),
  waiting: z.int().meta({ description: 'Queries waiting for a connection.' }),
  max: z.int().meta({ description: 'The configured maximum (DATABASE_POOL_SIZE).' }),
  utilization: z
    .number()
    .min(0)
    .max(1)
    .meta({ description: 'Connections in use (open, not idle) over the maximum.' }),
});

/** GET /health: the detailed view for people (200 ok, 503 degraded). */
export const healthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    version: z.string(),
    uptimeSeconds: z.int().min(0),
    memory: z.object({ rss: z.int(), heapUsed: z.int(), heapTotal: z.int() }),
    database: z.object({
      ...probe,
      latencyMs: z
        .number()
        .meta({ description: 'Round trip of one query (`select 1`) through the pool.' }),
      pool: poolSchema,
    }),
    redis: z.object({
      ...probe,
      /** How Redis is deployed: REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES. */
      mode: z.enum(['standalone', 'sentinel', 'cluster']),
      /**
       * host:port of the server this API's commands go to: the one Redis, the
       * primary the Sentinels named, or the Cluster master holding the queue
       * prefix's hash slot. Absent while not connected.
       */
      primary: z.string().optional(),
      /** Cluster: every master, host:port. */
      masters: z.array(z.string()).optional(),
      status: z.string(),
      pingMs: z.number(),
    }),
    queues: z.union([
      z.object({ error: z.string() }),
      z.record(z.string(), z.record(z.string(), z.int())),
    ]),
    breakers: z.record(z.string(), z.enum(['closed', 'open', 'half_open'])),
  })
  .meta({ id: 'Health' });

/** GET /health/db: PostgreSQL answers through this process' pool (503 problem+json when not). */
export const databaseHealthSchema = z
  .object({
    status: z.literal('ok'),
    latencyMs: z
      .number()
      .meta({ description: 'Round trip of one query (`select 1`) through the pool.' }),
    pool: poolSchema,
  })
  .meta({ id: 'DatabaseHealth' });
