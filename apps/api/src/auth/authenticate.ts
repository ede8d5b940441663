import { hash } from 'node:crypto';
import { type Breaker, BreakerOpenError } from '@sluice/breakers';
import type { ApiScope } from '@sluice/contract';
import {
  type ApiKeyCheck,
  type ApiPrincipal,
  authenticateApiKey,
  type Database,
  isApiKeyShaped,
  isTransientDatabaseError,
} from '@sluice/db';
import type { Request, RequestHandler, Response } from 'express';
import type { Kysely } from 'kysely';
import { HttpProblem } from '../http/problem.ts';

const REALM = 'Bearer realm="sluice"';

/**
 * While PostgreSQL cannot answer, a key checked within this long still
 * authenticates (its check is what failed, not the key): finished jobs'
 * status keeps coming from the Redis cache through an outage.
 */
const TRUST_DURING_OUTAGE_MS = 600_000;
const MAX_REMEMBERED = 10_000;

/** The request's principal (set by `authenticate`). */
export function principalOf(res: Response): ApiPrincipal {
  const principal = res.locals.principal as ApiPrincipal | undefined;
  if (!principal) throw new Error('no principal: the route is not behind authenticate');
  return principal;
}

const REJECTIONS: Record<Exclude<ApiKeyCheck, { ok: true }>['reason'], string> = {
  malformed: 'The Authorization header does not hold a Sluice API key (Bearer slc_<id>_<secret>).',
  unknown: 'The API key is not valid.',
  revoked: 'The API key was revoked.',
  expired: 'The API key has expired.',
};

/**
 * `Authorization: Bearer slc_<id>_<secret>` on every /v1 request
 * (`authenticate`): the key's tenant becomes the request's tenant
 * (res.locals.tenantId, read by every route through tenantOf) and its scopes
 * what it may do. No key: 401 unauthorized; a key that does not
 * authenticate: 401 invalid_api_key; both with WWW-Authenticate (RFC 6750).
 * `trustedKeyOf` tells, before that, which key a request will authenticate
 * as without asking PostgreSQL (checked within the trust time), if any.
 *
 * The lookup goes through the postgres breaker: while it is open (or its
 * trial in flight) no connection is tried, a key checked within
 * TRUST_DURING_OUTAGE_MS authenticates from that check at once, and any
 * other key gets 503 dependency_unavailable: a key never verified is never
 * accepted without PostgreSQL. A lookup that fails on the outage counts
 * toward opening the breaker.
 */
export function createAuthentication(
  db: Kysely<Database>,
  /**
   * How long a checked key is trusted without asking PostgreSQL again
   * (API_KEY_TRUST_MS): a revocation or expiry takes effect within this,
   * and a burst of requests costs one lookup. Failed checks are not
   * remembered (a typo, fixed, works at once).
   */
  trustMs: number,
  postgres: Breaker,
): { authenticate: RequestHandler; trustedKeyOf: (req: Request) => string | undefined } {
  const trusted = new Map<string, { principal: ApiPrincipal; checkedAt: number }>();
  // Remembered by the key's hash: the secret itself is not kept in memory.
  const memos = new WeakMap<Request, string>();
  const memoOf = (req: Request, presented: string | undefined) => {
    let memo = memos.get(req);
    if (memo === undefined) {
      // One-shot hash: no Hash object per request.
      memo = hash('sha256', presented ?? '', 'base64');
      memos.set(req, memo);
    }
    return memo;
  };
  const presentedKey = (header: string | undefined) => header?.match(/^Bearer +(\S+) *$/i)?.[1];
  const trustedKeyOf = (req: Request) => {
    const header = req.get('authorization');
    if (!header) return undefined;
    const principal = trusted.get(memoOf(req, presentedKey(header)));
    return principal && Date.now() - principal.checkedAt <= trustMs
      ? principal.principal.keyId
      : undefined;
  };
  const authenticate: RequestHandler = async (req, res, next) => {
    const header = req.get('authorization');
    const presented = presentedKey(header);
    if (!header) {
      throw new HttpProblem(
        'unauthorized',
        'This API needs an API key: send Authorization: Bearer <key>.',
        { headers: { 'www-authenticate': REALM } },
      );
    }
    const memo = memoOf(req, presented);
    let principal = trusted.get(memo);
    if (!principal || Date.now() - principal.checkedAt > trustMs) {
      // The last good check, if recent enough to stand in while PostgreSQL
      // cannot answer (never a key that was not verified before).
      const stale = principal;
      const useLastCheck = () => {
        if (!stale || Date.now() - stale.checkedAt > TRUST_DURING_OUTAGE_MS) return false;
        res.locals.principal = stale.principal;
        res.locals.tenantId = stale.principal.tenantId;
        return true;
      };
      // A malformed key is told so without PostgreSQL, outage or not.
      const lookup = presented !== undefined && isApiKeyShaped(presented) ? presented : undefined;
      if (lookup && !postgres.allowsCalls()) {
        // Open breaker: no connect (with its retries) per request. Falling
        // back is serving the request, so it is not counted as a refusal.
        if (useLastCheck()) return next();
        throw postgres.refuse();
      }
      let check: ApiKeyCheck;
      try {
        check = lookup
          ? await postgres.run(() => authenticateApiKey(db, lookup))
          : ({ ok: false, reason: 'malformed' } as const);
      } catch (error) {
        const outage = error instanceof BreakerOpenError || isTransientDatabaseError(error);
        if (outage && useLastCheck()) return next();
        throw error;
      }
      if (!check.ok) {
        trusted.delete(memo);
        throw new HttpProblem('invalid_api_key', REJECTIONS[check.reason], {
          headers: {
            'www-authenticate': `${REALM}, error="invalid_token", error_description="${check.reason}"`,
          },
          extra: { reason: check.reason },
        });
      }
      if (trusted.size >= MAX_REMEMBERED) trusted.clear();
      principal = { principal: check.principal, checkedAt: Date.now() };
      trusted.set(memo, principal);
    }
    res.locals.principal = principal.principal;
    res.locals.tenantId = principal.principal.tenantId;
    next();
  };
  return { authenticate, trustedKeyOf };
}

/** Throws 403 insufficient_scope unless the request's key holds every one of `scopes`. */
export function assertScopes(res: Response, ...scopes: ApiScope[]): void {
  const held = new Set(principalOf(res).scopes);
  const missing = scopes.filter((s) => !held.has(s));
  if (missing.length === 0) return;
  throw new HttpProblem(
    'insufficient_scope',
    `This API key lacks the scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.`,
    {
      headers: {
        'www-authenticate': `${REALM}, error="insufficient_scope", scope="${scopes.join(' ')}"`,
      },
      extra: { requiredScopes: scopes },
    },
  );
}

/** The route needs these scopes of the request's key: 403 insufficient_scope otherwise. */
export function requireScopes(...scopes: ApiScope[]): RequestHandler {
  return (_req, res, next) => {
    assertScopes(res, ...scopes);
    next();
  };
}
