import { Redis, type RedisOptions } from 'ioredis';

export interface ConnectionOptions {
  url: string;
  /** Shown in CLIENT LIST so operators can tell processes apart. */
  connectionName?: string;
  onError?: (error: Error) => void;
}

const common = (o: ConnectionOptions): RedisOptions => ({
  connectionName: o.connectionName,
  keepAlive: 10_000,
  connectTimeout: 5_000,
  // Reconnect forever with a capped delay: Redis restarts are expected.
  retryStrategy: (times) => Math.min(200 * times, 2_000),
  lazyConnect: false,
});

function withErrorListener(redis: Redis, o: ConnectionOptions): Redis {
  // Without a listener ioredis logs every reconnect error; route them to ours.
  redis.on('error', (error: Error) => o.onError?.(error));
  return redis;
}

/**
 * For the API: commands fail at once while Redis is unreachable, so a request
 * gets a 503 instead of hanging in ioredis' offline queue.
 */
export function createProducerConnection(o: ConnectionOptions): Redis {
  return withErrorListener(
    new Redis(o.url, { ...common(o), enableOfflineQueue: false, maxRetriesPerRequest: 1 }),
    o,
  );
}

/**
 * For BullMQ workers: blocking commands must be retried indefinitely across
 * reconnects (BullMQ requires maxRetriesPerRequest: null).
 */
export function createWorkerConnection(o: ConnectionOptions): Redis {
  return withErrorListener(new Redis(o.url, { ...common(o), maxRetriesPerRequest: null }), o);
}
