import { errorChain, errorCode, SOCKET_ERROR_CODES } from '@sluice/util';

/**
 * ioredis' words for a connection that is down or not ready (the producer
 * connection fails commands at once instead of queueing them), the timeout a
 * queue-depth read gives up with, and Redis' own replies while it cannot
 * serve (loading, failover, cluster trouble).
 */
const CONNECTION_MESSAGES =
  /enableOfflineQueue|Connection is closed|Stream isn't writeable|max retries per request|ECONNREFUSED|ECONNRESET|ETIMEDOUT|no answer within|Socket timeout|All sentinels are unreachable|Failed to refresh slots cache|None of startup nodes is available|^(LOADING|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|READONLY)\b/i;

/**
 * Failures that say Redis is unavailable, for the redis breaker (the apps
 * pass it in) and the API's 503. A Redis error reply to a command (WRONGTYPE,
 * a script error) is not one: Redis answered. Looks through `cause` (a
 * problem wrapping the queue's error).
 */
export function isRedisConnectionError(error: unknown): boolean {
  for (const e of errorChain(error)) {
    const code = errorCode(e);
    if (code !== undefined && SOCKET_ERROR_CODES.has(code)) return true;
    if (e.name === 'MaxRetriesPerRequestError') return true;
    if (CONNECTION_MESSAGES.test(e.message)) return true;
  }
  return false;
}
