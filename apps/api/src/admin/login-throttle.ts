import { isIPv6 } from 'node:net';

export interface LoginThrottleSettings {
  /** Failed logins a client may make in a row... */
  maxFailures: number;
  /** ...and the time in which it earns them back (one every windowMs / maxFailures). */
  windowMs: number;
  /** Clients remembered at most (the least recently failed are forgotten first). */
  maxClients: number;
}

/** 10 wrong guesses per minute per client (about 2,000 per second before). */
const DEFAULTS: LoginThrottleSettings = { maxFailures: 10, windowMs: 60_000, maxClients: 10_000 };

export interface LoginThrottle {
  /** How long `client` must wait before its credentials are checked again; 0: now. */
  waitMs(client: string): number;
  /** Records a failed login by `client`. */
  failed(client: string): void;
}

/**
 * Who a client is for throttling: its IP address; for IPv6 its /64 network,
 * which one host usually has whole (one address per guess would be free).
 */
function clientKey(ip: string): string {
  if (!isIPv6(ip) || ip.includes('.')) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = ip.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups.slice(0, 4).join(':')}::/64`;
}

/**
 * A token bucket per client, in memory: each failed login takes a token, a
 * token comes back every windowMs / maxFailures, and a client without one
 * waits. Per API process; brute force over several processes or addresses
 * still meets one bucket per process and address (or /64).
 */
export function createLoginThrottle(
  settings: LoginThrottleSettings = DEFAULTS,
  now: () => number = Date.now,
): LoginThrottle {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const perMs = settings.maxFailures / settings.windowMs;
  const tokens = (key: string) => {
    const bucket = buckets.get(key);
    if (!bucket) return settings.maxFailures;
    return Math.min(settings.maxFailures, bucket.tokens + (now() - bucket.at) * perMs);
  };
  return {
    waitMs(client) {
      const left = tokens(clientKey(client));
      return left >= 1 ? 0 : Math.ceil((1 - left) / perMs);
    },
    failed(client) {
      const key = clientKey(client);
      const left = tokens(key) - 1;
      // Re-inserted: the Map's order is then least recently failed first.
      buckets.delete(key);
      buckets.set(key, { tokens: left, at: now() });
      if (buckets.size > settings.maxClients) buckets.delete(buckets.keys().next().value!);
    },
  };
}
