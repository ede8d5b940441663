import { randomBytes } from 'node:crypto';
import {
  WEBHOOK_EVENT_TYPES,
  webhookCreateSchema,
  type webhookSchema,
  webhookUpdateSchema,
  type webhookWithSecretSchema,
} from '@sluice/contract';
import {
  createWebhookEndpoint,
  type Database,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookEndpoints,
  replaceWebhookSecret,
  updateWebhookEndpoint,
  type WebhookEndpointView,
} from '@sluice/db';
import type { Logger } from '@sluice/lifecycle';
import { type Request, type RequestHandler, type Response, Router } from 'express';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { principalOf, requireScopes } from '../auth/authenticate.ts';
import { tenantOf } from '../auth/tenant.ts';
import type { Needs } from '../http/breaker-guard.ts';
import { jsonBody } from '../http/json-body.ts';
import { readPage, setPageHeaders } from '../http/pagination.ts';
import { parseInput } from '../http/parse-input.ts';
import { HttpProblem } from '../http/problem.ts';
import { UUID } from '../jobs/job-lookup.ts';
import { checkWebhookUrl } from './webhook-url.ts';

export interface WebhookRoutesDeps {
  db: Kysely<Database>;
  logger: Logger;
  baseUrl: (req: Request) => string;
  needs: Needs;
  /** WEBHOOK_ALLOW_PRIVATE_ADDRESSES. */
  allowPrivateAddresses: boolean;
  /** Idempotency-Key on the POSTs (http/idempotent-post.ts). */
  idempotent: RequestHandler;
}

/** 404 for an endpoint the tenant does not have (another tenant's included). */
function webhookNotFound(id: string): HttpProblem {
  return new HttpProblem('webhook_not_found', `There is no webhook with id ${JSON.stringify(id)}.`);
}

/** The id in the path when it can be one of the tenant's endpoints; 404 otherwise. */
export async function ownEndpoint(
  db: Kysely<Database>,
  res: Response,
  id: string,
): Promise<WebhookEndpointView> {
  const endpoint = UUID.test(id)
    ? await getWebhookEndpoint(db, tenantOf(res), id.toLowerCase())
    : undefined;
  if (!endpoint) throw webhookNotFound(id);
  return endpoint;
}

/** A new signing secret: 32 random bytes, `whsec_` + base64 (Standard Webhooks). */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

function presentWebhook(
  endpoint: WebhookEndpointView,
  baseUrl: string,
): z.infer<typeof webhookSchema> {
  const self = `${baseUrl}/v1/webhooks/${endpoint.id}`;
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    events: endpoint.eventTypes ?? [...WEBHOOK_EVENT_TYPES],
    enabled: endpoint.enabled,
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
    links: { self, deliveries: `${self}/deliveries` },
  };
}

/**
 * A tenant's webhook endpoints, scope `admin` (like its keys: an endpoint
 * receives every job's outcome): create (the signing secret is in the
 * answer, once), list, read, change, delete, rotate the secret.
 */
export function webhookRoutes(deps: WebhookRoutesDeps): Router {
  const router = Router();
  const admin = requireScopes('admin');
  const json = jsonBody('16kb', 'Send the webhook as application/json.');

  router.post(
    '/v1/webhooks',
    admin,
    deps.needs('postgres'),
    json,
    deps.idempotent,
    async (req: Request, res: Response) => {
      const request = parseInput(webhookCreateSchema, req.body, 'invalid_webhook_request');
      const url = await checkWebhookUrl(request.url, deps.allowPrivateAddresses);
      const secret = newSecret();
      const endpoint = await createWebhookEndpoint(deps.db, {
        tenantId: tenantOf(res),
        url,
        description: request.description ?? '',
        eventTypes: request.events ?? [...WEBHOOK_EVENT_TYPES],
        secret,
      });
      deps.logger.info(
        { webhookId: endpoint.id, by: principalOf(res).keyId },
        'webhook endpoint created',
      );
      const body: z.infer<typeof webhookWithSecretSchema> = {
        ...presentWebhook(endpoint, deps.baseUrl(req)),
        secret,
      };
      res.status(201).location(body.links.self).json(body);
    },
  );

  router.get('/v1/webhooks', admin, deps.needs('postgres'), async (req: Request, res: Response) => {
    const page = readPage(req);
    const { items, total } = await listWebhookEndpoints(deps.db, tenantOf(res), page);
    const baseUrl = deps.baseUrl(req);
    setPageHeaders(req, res, baseUrl, page, total);
    res.json(items.map((e) => presentWebhook(e, baseUrl)));
  });

  router.get(
    '/v1/webhooks/:id',
    admin,
    deps.needs('postgres'),
    async (req: Request<{ id: string }>, res: Response) => {
      const endpoint = await ownEndpoint(deps.db, res, req.params.id);
      res.json(presentWebhook(endpoint, deps.baseUrl(req)));
    },
  );

  router.patch(
    '/v1/webhooks/:id',
    admin,
    deps.needs('postgres'),
    json,
    async (req: Request<{ id: string }>, res: Response) => {
      const { id } = await ownEndpoint(deps.db, res, req.params.id);
      const change = parseInput(webhookUpdateSchema, req.body, 'invalid_webhook_request');
      const url =
        change.url === undefined
          ? undefined
          : await checkWebhookUrl(change.url, deps.allowPrivateAddresses);
      const endpoint = await updateWebhookEndpoint(deps.db, tenantOf(res), id, {
        ...(url !== undefined ? { url } : {}),
        ...(change.description !== undefined ? { description: change.description } : {}),
        ...(change.events !== undefined ? { eventTypes: change.events } : {}),
        ...(change.enabled !== undefined ? { enabled: change.enabled } : {}),
      });
      if (!endpoint) throw webhookNotFound(req.params.id);
      deps.logger.info({ webhookId: id, by: principalOf(res).keyId }, 'webhook endpoint changed');
      res.json(presentWebhook(endpoint, deps.baseUrl(req)));
    },
  );

  router.delete(
    '/v1/webhooks/:id',
    admin,
    deps.needs('postgres'),
    async (req: Request<{ id: string }>, res: Response) => {
      const id = req.params.id;
      if (
        !UUID.test(id) ||
        !(await deleteWebhookEndpoint(deps.db, tenantOf(res), id.toLowerCase()))
      )
        throw webhookNotFound(id);
      deps.logger.info(
        { webhookId: id.toLowerCase(), by: principalOf(res).keyId },
        'webhook endpoint deleted',
      );
      res.status(204).end();
    },
  );

  /** POST /v1/webhooks/{id}/rotate-secret: a new secret, in the answer; the old one stops signing now. */
  router.post(
    '/v1/webhooks/:id/rotate-secret',
    admin,
    deps.needs('postgres'),
    deps.idempotent,
    async (req: Request<{ id: string }>, res: Response) => {
      const id = req.params.id;
      const secret = newSecret();
      const endpoint = UUID.test(id)
        ? await replaceWebhookSecret(deps.db, tenantOf(res), id.toLowerCase(), secret)
        : undefined;
      if (!endpoint) throw webhookNotFound(id);
      deps.logger.info(
        { webhookId: endpoint.id, by: principalOf(res).keyId },
        'webhook secret rotated',
      );
      const body: z.infer<typeof webhookWithSecretSchema> = {
        ...presentWebhook(endpoint, deps.baseUrl(req)),
        secret,
      };
      res.json(body);
    },
  );

  return router;
}
