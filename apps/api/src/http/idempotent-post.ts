import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import {
  claimIdempotentRequest,
  type Database,
  finishIdempotentRequest,
  releaseIdempotentRequest,
  type StoredResponse,
} from '@sluice/db';
import type { Logger } from '@sluice/lifecycle';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Kysely } from 'kysely';
import { tenantOf } from '../auth/tenant.ts';
import { readIdempotencyKey, requestFingerprint } from '../jobs/idempotency.ts';
import { HttpProblem } from './problem.ts';

/**
 * How long a first request holds its key before another may take it over: a
 * process that died (or hangs) mid-request must not block the key for 24 h.
 * Far above any of these routes' run time (PostgreSQL's statement timeout is
 * 30 s by default).
 */
const CLAIM_MS = 5 * 60_000;

/** Headers of the answer that are part of it; the rest (dates, rate limits, encodings) are the new response's own. */
const REPLAYED_HEADERS = ['content-type', 'location', 'content-language'] as const;

/**
 * 4xx answers that say "not now" rather than "not this": the key is given
 * up, so the client's retry with it runs again (as it does after a 5xx).
 * 409 is among them: a conflict (dataset exists, job already final,
 * idempotency key in use) depends on the state of the moment. Every other
 * 4xx is stored and replayed like a success, as the draft allows.
 */
const TRANSIENT_CLIENT_ERRORS = new Set([408, 409, 425, 429]);

export interface IdempotentPostDeps {
  db: Kysely<Database>;
  logger: Logger;
}

/**
 * Route middleware: Idempotency-Key (IETF draft-ietf-httpapi-idempotency-
 * key-header) on a state-changing POST. Mount it after authentication, the
 * breaker guard and the route's body parser (the fingerprint covers the
 * parsed body), right before the handler:
 *
 *     router.post('/v1/things', write, needs('postgres'), jsonBody(...), idempotent, handler)
 *
 * Without the header the request runs as ever. With it, per tenant and for
 * 24 hours: the first request claims the key in PostgreSQL, runs, and its
 * answer (status, Content-Type, Location, body) is stored before it is
 * sent; the same request again gets that answer with `Idempotent-Replayed:
 * true` and has no second effect; another request with the key is 422
 * idempotency_key_reused; one arriving while the first runs is 409
 * idempotency_key_in_use with Retry-After. A first request that ends in a
 * 5xx or a transient 4xx (408, 409, 425, 429) gives the key up, so the
 * client's retry runs; one whose process died leaves a claim that lapses
 * after 5 minutes.
 *
 * The same request means: method, path, query (any order), Content-Type and
 * Content-Encoding as sent (jobs/idempotency.ts' `requestFingerprint`, as
 * for uploads), and the body parsed and written canonically (JSON, object
 * keys sorted): whitespace and key order do not make a different request,
 * and a route without a body parser ignores the body it does not read.
 *
 * An answer that cannot be stored (PostgreSQL failed right then) is still
 * sent; its claim then lapses and a retry after that runs again.
 */
export function idempotentPost(deps: IdempotentPostDeps): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const key = readIdempotencyKey(req);
      if (key === undefined) return next();
      const tenantId = tenantOf(res);
      const keyHash = createHash('sha256').update(key).digest();
      const bodyDigest = createHash('sha256').update(canonicalJson(req.body)).digest();
      const found = await claimIdempotentRequest(deps.db, {
        tenantId,
        keyHash,
        key,
        fingerprint: requestFingerprint(req, bodyDigest),
        claimForMs: CLAIM_MS,
      });
      switch (found.outcome) {
        case 'mismatch':
          throw new HttpProblem(
            'idempotency_key_reused',
            'This Idempotency-Key was used for a different request in the last 24 hours; use a new key for a new request.',
          );
        case 'in-progress':
          throw new HttpProblem(
            'idempotency_key_in_use',
            'A request with this Idempotency-Key is still in progress; retry once it has been answered.',
            { headers: { 'retry-after': '1' } },
          );
        case 'replay':
          replay(res, found.response, key, tenantId);
          deps.logger.info({ path: req.path }, 'repeated request answered');
          return;
        case 'claimed': {
          const claim = { tenantId, keyHash, token: found.token };
          captureAnswer(res, async (status, body) => {
            if (status >= 500 || TRANSIENT_CLIENT_ERRORS.has(status)) {
              await releaseIdempotentRequest(deps.db, claim);
              return;
            }
            const stored = await finishIdempotentRequest(deps.db, claim, {
              status,
              headers: headersOf(res),
              body: seal(body, key, tenantId),
            });
            if (!stored) {
              deps.logger.warn(
                { path: req.path, claimForMs: CLAIM_MS },
                'idempotent request outlived its claim; its answer was not stored',
              );
            }
          }).catch((err: unknown) =>
            // Not stored: the claim lapses, and a retry then runs again.
            deps.logger.error({ err, path: req.path }, 'could not store an idempotent answer'),
          );
          return next();
        }
      }
    } catch (error) {
      next(error);
    }
  };
}

/**
 * Calls `settle` with the status and the whole body once the handler (or
 * the problem handler) ends the response, and sends the end only after it:
 * a client that has the answer finds it stored (or the key free again).
 */
function captureAnswer(
  res: Response,
  settle: (status: number, body: Buffer) => Promise<void>,
): Promise<void> {
  const pieces: Buffer[] = [];
  const keep = (chunk: unknown, encoding: unknown) => {
    if (typeof chunk === 'string') {
      pieces.push(
        Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'),
      );
    } else if (chunk instanceof Uint8Array) {
      pieces.push(Buffer.from(chunk));
    }
  };
  const write = res.write.bind(res);
  const end = res.end.bind(res);
  return new Promise((resolve, reject) => {
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      keep(chunk, rest[0]);
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as Response['write'];
    res.end = ((...args: unknown[]) => {
      if (typeof args[0] !== 'function') keep(args[0], args[1]);
      res.end = end;
      settle(res.statusCode, Buffer.concat(pieces))
        .then(resolve, reject)
        .finally(() => (end as (...a: unknown[]) => Response)(...args));
      return res;
    }) as Response['end'];
  });
}

function headersOf(res: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = res.getHeader(name);
    if (value !== undefined) headers[name] = String(value);
  }
  return headers;
}

function replay(res: Response, stored: StoredResponse, key: string, tenantId: string): void {
  res.status(stored.status);
  for (const [name, value] of Object.entries(stored.headers)) res.setHeader(name, value);
  res.setHeader('idempotent-replayed', 'true');
  res.send(unseal(stored.body, key, tenantId));
}

/**
 * Stored answers are encrypted (AES-256-GCM) with a key derived from the
 * Idempotency-Key, which the database does not hold (only its hash): a
 * replayed POST /v1/keys answer carries an API key secret, and the database
 * otherwise holds only secrets' hashes. As strong as the Idempotency-Key is
 * unguessable (a random UUID: 122 bits).
 */
function sealingKey(key: string, tenantId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, tenantId, 'sluice idempotent answer', 32));
}

function seal(body: Buffer, key: string, tenantId: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(key, tenantId), iv);
  const sealed = Buffer.concat([cipher.update(body), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]);
}

function unseal(stored: Buffer, key: string, tenantId: string): Buffer {
  const decipher = createDecipheriv(
    'aes-256-gcm',
    sealingKey(key, tenantId),
    stored.subarray(0, 12),
  );
  decipher.setAuthTag(stored.subarray(12, 28));
  return Buffer.concat([decipher.update(stored.subarray(28)), decipher.final()]);
}

/** JSON with object keys sorted at every level: one text per parsed body. `undefined` (no body) is ''. */
function canonicalJson(value: unknown): string {
  if (value === undefined) return '';
  return JSON.stringify(value, (_name, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
