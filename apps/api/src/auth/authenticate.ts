import { hash } from 'node:crypto';
import type { ApiScope } from '@sluice/contract';
import {
  type ApiKeyCheck,
  type ApiPrincipal,
  authenticateApiKey,
  type Database,
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
      let check: ApiKeyCheck;
      try {
        check = presented
          ? await authenticateApiKey(db, presented)
          : ({ ok: false, reason: 'malformed' } as const);
      } catch (error) {
        const stale = principal;
        if (
          stale &&
          isTransientDatabaseError(error) &&
          Date.now() - stale.checkedAt <= TRUST_DURING_OUTAGE_MS
        ) {
          res.locals.principal = stale.principal;
          res.locals.tenantId = stale.principal.tenantId;
          return next();
        }
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
