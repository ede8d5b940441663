import { z } from 'zod';
import { redisUrl } from './env.ts';

/** One Redis (or Sentinel, or Cluster node) address. */
export interface RedisAddress {
  host: string;
  port: number;
}

/**
 * Where the processes find Redis, in one of three shapes; @sluice/queue's
 * connections take it as it is (`RedisTarget` there has the same shape).
 */
export type RedisTarget =
  | { mode: 'standalone'; url: string }
  | {
      mode: 'sentinel';
      sentinels: RedisAddress[];
      masterName: string;
      password?: string | undefined;
      sentinelPassword?: string | undefined;
    }
  | { mode: 'cluster'; nodes: RedisAddress[]; password?: string | undefined };

const HOST_PORT = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/;

/**
 * `host:port,host:port` (IPv6 in brackets: `[::1]:26379`). Each item must
 * parse: a typo in one address would otherwise show up only when the others
 * are down, which is when it matters.
 */
const hostPortList = z.string().transform((value, ctx) => {
  const addresses: RedisAddress[] = [];
  for (const item of value.split(',').map((s) => s.trim())) {
    if (item === '') continue;
    const match = HOST_PORT.exec(item);
    const port = match ? Number(match[3]) : 0;
    if (!match || port < 1 || port > 65535) {
      ctx.addIssue({
        code: 'custom',
        message: `expected host:port items separated by commas (e.g. 10.0.0.5:26379,redis-b:26379), got ${JSON.stringify(item)}`,
      });
      return z.NEVER;
    }
    addresses.push({ host: match[1] ?? match[2]!, port });
  }
  if (addresses.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'expected at least one host:port' });
    return z.NEVER;
  }
  return addresses;
});

/** The Redis variables every process reads (API and worker alike). */
export const redisSettings = {
  /** Single Redis: redis://[user:password@]host:port[/db] (rediss:// for TLS). */
  REDIS_URL: redisUrl.optional(),
  /** Redis Sentinel: the Sentinels' addresses; with REDIS_SENTINEL_MASTER. */
  REDIS_SENTINELS: hostPortList.optional(),
  /** The master group name the Sentinels monitor (`sentinel monitor <name> ...`). */
  REDIS_SENTINEL_MASTER: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits, ".", "_" and "-" only')
    .optional(),
  /** The Sentinels' own password (their `requirepass`), when they have one. */
  REDIS_SENTINEL_PASSWORD: z.string().min(1).max(1000).optional(),
  /** Redis Cluster: some of its nodes (the rest are discovered). */
  REDIS_CLUSTER_NODES: hostPortList.optional(),
  /** Password of the Redis servers behind REDIS_SENTINELS or REDIS_CLUSTER_NODES (in REDIS_URL, it is part of the URL). */
  REDIS_PASSWORD: z.string().min(1).max(1000).optional(),
};

export type RedisSettings = {
  [K in keyof typeof redisSettings]?: z.infer<(typeof redisSettings)[K]>;
} & { QUEUE_PREFIX: string };

/**
 * A Redis Cluster hash tag leads the prefix: every key starts with it, so
 * Redis hashes only the text between the first `{` and the next `}`.
 */
const HASH_TAG_PREFIX = /^[^{}]*\{[^{}]+\}/;

type Issue = { path: string[]; message: string };

/** What is wrong with the combination of Redis variables (each variable alone is valid). */
export function redisSettingsIssues(c: RedisSettings): Issue[] {
  const given = (['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'] as const).filter(
    (name) => c[name] !== undefined,
  );
  const issues: Issue[] = [];
  if (given.length !== 1) {
    issues.push({
      path: [given[1] ?? 'REDIS_URL'],
      message:
        given.length === 0
          ? 'set one of REDIS_URL (one Redis), REDIS_SENTINELS (Redis Sentinel) or REDIS_CLUSTER_NODES (Redis Cluster)'
          : `set exactly one of REDIS_URL, REDIS_SENTINELS and REDIS_CLUSTER_NODES, not ${given.join(' and ')}`,
    });
    return issues;
  }
  if (c.REDIS_SENTINELS !== undefined && c.REDIS_SENTINEL_MASTER === undefined) {
    issues.push({
      path: ['REDIS_SENTINEL_MASTER'],
      message: 'REDIS_SENTINELS needs the name of the master group the Sentinels monitor',
    });
  }
  if (c.REDIS_SENTINELS === undefined) {
    for (const name of ['REDIS_SENTINEL_MASTER', 'REDIS_SENTINEL_PASSWORD'] as const) {
      if (c[name] !== undefined)
        issues.push({ path: [name], message: `${name} is only used with REDIS_SENTINELS` });
    }
  }
  if (c.REDIS_URL !== undefined && c.REDIS_PASSWORD !== undefined) {
    issues.push({
      path: ['REDIS_PASSWORD'],
      message: 'with REDIS_URL the password is part of the URL (redis://:password@host:port)',
    });
  }
  if (
    c.REDIS_CLUSTER_NODES !== undefined &&
    // A malformed prefix has its own issue already.
    typeof c.QUEUE_PREFIX === 'string' &&
    !HASH_TAG_PREFIX.test(c.QUEUE_PREFIX)
  ) {
    issues.push({
      path: ['QUEUE_PREFIX'],
      message:
        'with REDIS_CLUSTER_NODES the prefix must begin with a Redis Cluster hash tag such as {sluice}: ' +
        "BullMQ's scripts touch a flow's parent and children (different queues) in one call, " +
        'which Redis Cluster runs only when every key hashes to the same slot',
    });
  }
  return issues;
}

/** The settings as the connection factory takes them (call after redisSettingsIssues found none). */
export function redisTargetOf(c: RedisSettings): RedisTarget {
  if (c.REDIS_SENTINELS !== undefined) {
    return {
      mode: 'sentinel',
      sentinels: c.REDIS_SENTINELS,
      masterName: c.REDIS_SENTINEL_MASTER!,
      password: c.REDIS_PASSWORD,
      sentinelPassword: c.REDIS_SENTINEL_PASSWORD,
    };
  }
  if (c.REDIS_CLUSTER_NODES !== undefined) {
    return { mode: 'cluster', nodes: c.REDIS_CLUSTER_NODES, password: c.REDIS_PASSWORD };
  }
  return { mode: 'standalone', url: c.REDIS_URL! };
}
