import { Redis } from 'ioredis';
import type { RedisTarget } from './connections.ts';

type SentinelTarget = Extract<RedisTarget, { mode: 'sentinel' }>;

/**
 * Moves a process' Sentinel connections to the new primary as soon as a
 * Sentinel announces a failover (`+switch-master`), instead of when Sentinel
 * gets round to demoting the old primary (about 10 s after a SENTINEL
 * FAILOVER; the old primary takes writes until then, and they are thrown
 * away when it follows the new one).
 *
 * Our own, not ioredis' failoverDetector: that one disconnects whatever
 * the connection is doing, and when it is already reconnecting (the
 * Sentinels kill a demoted primary's clients at the same moment) its
 * connector rejects and the connection ends for good. Here only a `ready`
 * connection is told to reconnect, `disconnect(true)`, which is safe.
 *
 * One watcher per master group and process: a subscriber on every Sentinel,
 * closed once the last connection it looks after has ended (so a process
 * that closes its connections can exit).
 */
interface Watcher {
  connections: Set<Redis>;
  subscribers: Redis[];
}

const watchers = new Map<string, Watcher>();

const keyOf = (t: SentinelTarget) =>
  `${t.masterName}@${t.sentinels.map((s) => `${s.host}:${s.port}`).join(',')}`;

function startWatcher(target: SentinelTarget, onError?: (error: Error) => void): Watcher {
  const watcher: Watcher = { connections: new Set(), subscribers: [] };
  for (const sentinel of target.sentinels) {
    const subscriber = new Redis({
      host: sentinel.host,
      port: sentinel.port,
      password: target.sentinelPassword,
      connectionName: 'sluice-sentinel-watch',
      keepAlive: 10_000,
      connectTimeout: 5_000,
      retryStrategy: (times) => Math.min(200 * times, 2_000),
      maxRetriesPerRequest: null,
    });
    subscriber.on('error', (error: Error) => onError?.(error));
    subscriber.on('message', (_channel: string, message: string) => {
      // "<master name> <old ip> <old port> <new ip> <new port>"
      if (message.split(' ')[0] !== target.masterName) return;
      for (const connection of watcher.connections) {
        if (connection.status === 'ready') connection.disconnect(true);
      }
    });
    subscriber.subscribe('+switch-master').catch((error: Error) => onError?.(error));
    watcher.subscribers.push(subscriber);
  }
  return watcher;
}

/** Puts `connection` (and every duplicate BullMQ makes of it) under the watcher of its master group. */
export function followSwitchMaster(
  connection: Redis,
  target: SentinelTarget,
  onError?: (error: Error) => void,
): void {
  const key = keyOf(target);
  let watcher = watchers.get(key);
  if (!watcher) {
    watcher = startWatcher(target, onError);
    watchers.set(key, watcher);
  }
  const mine = watcher;
  mine.connections.add(connection);
  connection.once('end', () => {
    mine.connections.delete(connection);
    if (mine.connections.size > 0 || watchers.get(key) !== mine) return;
    watchers.delete(key);
    for (const subscriber of mine.subscribers) subscriber.disconnect();
  });
  // BullMQ gives each Worker a blocking connection of its own, made with
  // duplicate(): those must follow the primary too.
  const duplicate = connection.duplicate.bind(connection);
  connection.duplicate = (override) => {
    const copy = duplicate(override);
    followSwitchMaster(copy, target, onError);
    return copy;
  };
}
