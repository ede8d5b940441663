import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { followSwitchMaster } from './sentinel-switch.ts';

/** One Redis (Sentinel, Cluster node) address. */
export interface RedisAddress {
  host: string;
  port: number;
}

/**
 * Where Redis is: one server, a Sentinel-watched primary with replicas, or a
 * Cluster. @sluice/config builds it from REDIS_URL / REDIS_SENTINELS /
 * REDIS_CLUSTER_NODES (same shape).
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

/** A connection to Redis in any of the three modes (BullMQ takes both). */
export type RedisConnection = Redis | Cluster;

export interface ConnectionOptions {
  target: RedisTarget;
  /** Shown in CLIENT LIST so operators can tell processes apart. */
  connectionName?: string;
  onError?: (error: Error) => void;
}

/**
 * A socket with a command outstanding and no byte back for this long is
 * dead (a primary gone without a FIN: host down, network partition): it is
 * destroyed and the connection reconnects, asking the Sentinels where the
 * primary is now. Above BullMQ's longest blocking wait (BZPOPMIN, 10 s),
 * which is a command outstanding with nothing to say.
 */
const SOCKET_TIMEOUT_MS = 30_000;

const common = (o: ConnectionOptions): RedisOptions => ({
  connectionName: o.connectionName,
  // TCP keep-alive probes after 10 s idle: a half-open socket to a primary
  // that vanished is found even when no command is outstanding.
  keepAlive: 10_000,
  socketTimeout: SOCKET_TIMEOUT_MS,
  connectTimeout: 5_000,
  // Reconnect forever with a capped delay: Redis restarts and failovers are expected.
  retryStrategy: (times) => Math.min(200 * times, 2_000),
  // A former primary that became a replica answers writes with READONLY:
  // reconnect (through the Sentinels, to the new primary) and resend.
  reconnectOnError: (error) => (/^READONLY\b/.test(error.message) ? 2 : false),
  lazyConnect: false,
  // Never enableAutoPipelining: BullMQ's blocking commands and Lua scripts
  // must not be batched with others (BullMQ's own advice).
});

function sentinelOptions(target: Extract<RedisTarget, { mode: 'sentinel' }>): RedisOptions {
  return {
    sentinels: target.sentinels,
    name: target.masterName,
    password: target.password,
    sentinelPassword: target.sentinelPassword,
    // Asking the Sentinels where the primary is: again and again, capped.
    sentinelRetryStrategy: (times) => Math.min(200 * times, 2_000),
    sentinelCommandTimeout: 2_000,
    // Not ioredis' failoverDetector: in ioredis 6.0.0 its disconnect can
    // land while the connection is already reconnecting, and the connector
    // then rejects with "Connection is closed", which ends the connection
    // for good (status "end", no more retries: seen in
    // test/chaos/redis-sentinel.test.ts, a worker's connections dead after
    // a SENTINEL FAILOVER). sentinel-switch.ts does its job safely; besides,
    // Sentinel kills a demoted primary's clients, a dead one closes or times
    // out its sockets (keepAlive, socketTimeout), and READONLY reconnects.
    failoverDetector: false,
    // Sentinels announce new Sentinels; keep only the configured ones (an
    // announced address may not be reachable from here).
    updateSentinels: false,
  };
}

function connect(
  o: ConnectionOptions,
  redisOptions: RedisOptions,
  clusterOptions: Pick<ClusterOptions, 'enableOfflineQueue'>,
): RedisConnection {
  const { target } = o;
  let connection: RedisConnection;
  if (target.mode === 'cluster') {
    const { retryStrategy, enableOfflineQueue: _, ...perNode } = redisOptions;
    connection = new Cluster(target.nodes, {
      ...clusterOptions,
      clusterRetryStrategy: (times) => Math.min(200 * times, 2_000),
      redisOptions: { ...perNode, password: target.password },
      // MOVED after a failover or resharding: ask for the slots again at once.
      slotsRefreshTimeout: 2_000,
    });
  } else if (target.mode === 'sentinel') {
    const redis = new Redis({ ...redisOptions, ...sentinelOptions(target) });
    followSwitchMaster(redis, target, o.onError);
    connection = redis;
  } else {
    connection = new Redis(target.url, redisOptions);
  }
  // Without a listener ioredis logs every reconnect error; route them to ours.
  connection.on('error', (error: Error) => o.onError?.(error));
  return connection;
}

/**
 * For the API: commands fail at once while Redis is unreachable, so a request
 * gets a 503 instead of hanging in ioredis' offline queue.
 */
export function createProducerConnection(o: ConnectionOptions): RedisConnection {
  return connect(
    o,
    { ...common(o), enableOfflineQueue: false, maxRetriesPerRequest: 1 },
    { enableOfflineQueue: false },
  );
}

/**
 * For BullMQ workers and subscribers: blocking commands must be retried
 * indefinitely across reconnects and failovers (BullMQ requires
 * maxRetriesPerRequest: null).
 */
export function createWorkerConnection(o: ConnectionOptions): RedisConnection {
  return connect(o, { ...common(o), maxRetriesPerRequest: null }, { enableOfflineQueue: true });
}
