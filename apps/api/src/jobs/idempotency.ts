import { createHash } from 'node:crypto';
import type { RedisConnection } from '@sluice/queue';
import type { Request } from 'express';
import { HttpProblem } from '../http/problem.ts';
import { digestOf } from './upload/request-body.ts';

/**
 * The Idempotency-Key of a POST (IETF draft-ietf-httpapi-idempotency-key-
 * header): a string of 1-255 printable ASCII characters, as a Structured
 * Field string ("...") or bare. Undefined when the request has none.
 */
export function readIdempotencyKey(req: Request): string | undefined {
  const raw = req.get('idempotency-key');
  if (raw === undefined) return undefined;
  const value = raw.trim().replace(/^"(.*)"$/, '$1');
  if (!/^[\x20-\x7e]{1,255}$/.test(value) || value.trim() === '') {
    throw new HttpProblem(
      'invalid_idempotency_key',
      'Idempotency-Key must be 1 to 255 printable ASCII characters (a UUID is a good choice).',
    );
  }
  return value;
}

/**
 * What makes two requests the same one: method, path, query (in any
 * order), media type and coding, and the body's bytes as sent.
 */
export function requestFingerprint(req: Request, bodyDigest: Buffer): Buffer {
  const url = new URL(req.originalUrl, 'http://sluice');
  const query = [...url.searchParams.entries()].sort(([a, x], [b, y]) =>
    a === b ? (x < y ? -1 : x > y ? 1 : 0) : a < b ? -1 : 1,
  );
  return createHash('sha256')
    .update(
      JSON.stringify([
        req.method,
        url.pathname,
        query,
        req.get('content-type') ?? '',
        req.get('content-encoding') ?? '',
        bodyDigest.toString('hex'),
      ]),
    )
    .digest();
}

/**
 * Reads a request's whole body only to fingerprint it (a repeated request,
 * whose upload is not stored again). Bounded like any upload by the body
 * rate guard; `maxBytes` stops a body larger than any upload could be.
 */
export async function fingerprintBody(req: Request, maxBytes: number): Promise<Buffer> {
  let seen = 0;
  req.on('data', (piece: Buffer) => {
    seen += piece.byteLength;
    if (seen > maxBytes) req.destroy(new Error('body larger than any upload'));
  });
  const digest = digestOf(req);
  req.resume();
  const bodyDigest = await digest;
  if (!bodyDigest) {
    throw new HttpProblem(
      'payload_too_large',
      'The request body ended early or is larger than any upload may be.',
    );
  }
  return requestFingerprint(req, bodyDigest);
}

/**
 * Marks a key's first request as in progress, from its first byte until it
 * is answered (Redis, shared by API instances): a duplicate arriving before
 * PostgreSQL knows the key (the job row is stored once the header row has
 * come) is refused with 409 too. The mark expires by itself if this process
 * dies; PostgreSQL's key row stays the authority on what a key names.
 */
export function createInFlightMarks(deps: {
  redis: RedisConnection;
  prefix: string;
  ttlMs: number;
}) {
  const markKey = (tenantId: string, key: string) =>
    `${deps.prefix}:idempotency:${tenantId}:${createHash('sha256').update(key).digest('hex')}`;
  return {
    /** True when this request holds the mark; false when another one does. */
    async take(tenantId: string, key: string): Promise<boolean> {
      const set = await deps.redis.set(markKey(tenantId, key), '1', 'PX', deps.ttlMs, 'NX');
      return set === 'OK';
    },
    /** Gives the mark up (the request was answered); Redis trouble only lets it expire. */
    async release(tenantId: string, key: string): Promise<void> {
      await deps.redis.del(markKey(tenantId, key)).catch(() => undefined);
    },
  };
}

export type InFlightMarks = ReturnType<typeof createInFlightMarks>;
