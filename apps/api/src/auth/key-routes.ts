import { type ApiKeyBody, newKeyRequestSchema } from '@sluice/contract';
import { type ApiKeyView, type Database, issueApiKey, listApiKeys, revokeApiKey } from '@sluice/db';
import type { Logger } from '@sluice/lifecycle';
import { type Request, type Response, Router } from 'express';
import type { Kysely } from 'kysely';
import type { Needs } from '../http/breaker-guard.ts';
import type { idempotentPost } from '../http/idempotent-post.ts';
import { jsonBody } from '../http/json-body.ts';
import { parseInput } from '../http/parse-input.ts';
import { HttpProblem } from '../http/problem.ts';
import { principalOf, requireScopes } from './authenticate.ts';

const KEY_ID = /^[0-9a-f]{16}$/;

/** @sluice/contract's apiKeySchema (the document's ApiKey). */
function present(key: ApiKeyView): ApiKeyBody {
  return {
    id: key.id,
    name: key.name,
    scopes: key.scopes,
    createdAt: key.createdAt.toISOString(),
    expiresAt: key.expiresAt?.toISOString() ?? null,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

/**
 * The body of POST /v1/keys: `{ scopes: [...], name?, expiresAt? }`, shaped
 * as @sluice/contract's newKeyRequestSchema (the document's NewApiKey); an
 * expiry must also be in the future.
 */
function readNewKey(body: unknown) {
  const { scopes, name, expiresAt } = parseInput(newKeyRequestSchema, body, 'invalid_key_request');
  const expires = expiresAt == null ? null : new Date(expiresAt);
  if (expires !== null && expires.getTime() <= Date.now()) {
    throw new HttpProblem(
      'invalid_key_request',
      'expiresAt must be a date and time in the future (ISO 8601).',
      { extra: { field: 'expiresAt' } },
    );
  }
  return { scopes, name: name ?? '', expiresAt: expires };
}

/**
 * A tenant's keys, managed with a key of scope `admin` (the operator's
 * command is `pnpm keys`): GET /v1/keys, POST /v1/keys (the new key is in
 * the answer, once), DELETE /v1/keys/{id} (revokes; the key stops working
 * within the API's 30 s trust of checked keys).
 */
export function keyRoutes(deps: {
  db: Kysely<Database>;
  logger: Logger;
  needs: Needs;
  /** Idempotency-Key on POST: a replay answers the same key again (http/idempotent-post.ts). */
  idempotent: ReturnType<typeof idempotentPost>;
}): Router {
  const router = Router();
  const admin = requireScopes('admin');

  router.get('/v1/keys', admin, deps.needs('postgres'), async (_req: Request, res: Response) => {
    res.json((await listApiKeys(deps.db, principalOf(res).tenantId)).map(present));
  });

  router.post(
    '/v1/keys',
    admin,
    deps.needs('postgres'),
    jsonBody('16kb', 'Send the key request as application/json.'),
    deps.idempotent,
    async (req: Request, res: Response) => {
      const request = readNewKey(req.body);
      const { tenantId, keyId } = principalOf(res);
      const { key, view } = await issueApiKey(deps.db, { tenantId, ...request });
      deps.logger.info({ keyId: view.id, by: keyId, scopes: view.scopes }, 'API key issued');
      res.status(201).json({ key, ...present(view) });
    },
  );

  router.delete(
    '/v1/keys/:id',
    admin,
    deps.needs('postgres'),
    async (req: Request<{ id: string }>, res: Response) => {
      const { tenantId, keyId } = principalOf(res);
      const id = req.params.id;
      if (!KEY_ID.test(id) || !(await revokeApiKey(deps.db, tenantId, id))) {
        throw new HttpProblem(
          'api_key_not_found',
          `This tenant has no API key ${JSON.stringify(id)}.`,
        );
      }
      deps.logger.info({ keyId: id, by: keyId }, 'API key revoked');
      res.status(204).end();
    },
  );

  return router;
}
