import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether a scrape may read /metrics: always when no METRICS_TOKEN is set;
 * otherwise only with `Authorization: Bearer <token>` (compared in constant
 * time, by digest, so neither content nor length leaks).
 */
export function isAuthorizedScrape(
  authorization: string | undefined,
  token: string | undefined,
): boolean {
  if (token === undefined) return true;
  const presented = authorization?.match(/^Bearer +(\S+) *$/i)?.[1] ?? '';
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(presented), digest(token));
}
