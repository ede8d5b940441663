import type {
  redeliverySchema,
  webhookDeliveryDetailSchema,
  webhookDeliverySchema,
} from '@sluice/contract';
import {
  type Database,
  getWebhookDelivery,
  listWebhookDeliveries,
  redeliverWebhook,
  type WebhookDeliveryView,
} from '@sluice/db';
import type { Logger } from '@sluice/lifecycle';
import type { WebhookDeliveryQueue } from '@sluice/queue';
import { type Request, type RequestHandler, type Response, Router } from 'express';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { principalOf, requireScopes } from '../auth/authenticate.ts';
import { tenantOf } from '../auth/tenant.ts';
import type { Needs } from '../http/breaker-guard.ts';
import { readPage, setPageHeaders } from '../http/pagination.ts';
import { HttpProblem } from '../http/problem.ts';
import { UUID } from '../jobs/job-lookup.ts';
import { ownEndpoint } from './webhook-routes.ts';

export interface DeliveryRoutesDeps {
  db: Kysely<Database>;
  logger: Logger;
  baseUrl: (req: Request) => string;
  needs: Needs;
  queue: WebhookDeliveryQueue;
  /** Idempotency-Key on redelivery (http/idempotent-post.ts). */
  idempotent: RequestHandler;
}

function deliveryNotFound(id: string): HttpProblem {
  return new HttpProblem(
    'delivery_not_found',
    `This webhook has no delivery with id ${JSON.stringify(id)}.`,
  );
}

function presentDelivery(
  delivery: WebhookDeliveryView,
  baseUrl: string,
): z.infer<typeof webhookDeliverySchema> {
  const self = `${baseUrl}/v1/webhooks/${delivery.endpointId}/deliveries/${delivery.id}`;
  return {
    id: delivery.id,
    eventId: delivery.eventId,
    // Written from WEBHOOK_EVENT_TYPES only (the outbox).
    eventType: delivery.eventType as z.infer<typeof webhookDeliverySchema>['eventType'],
    jobId: delivery.jobId,
    status: delivery.status,
    attemptCount: delivery.attempts,
    lastStatusCode: delivery.lastStatusCode,
    lastError: delivery.lastError,
    createdAt: delivery.createdAt.toISOString(),
    lastAttemptAt: delivery.lastAttemptAt?.toISOString() ?? null,
    finishedAt: delivery.finishedAt?.toISOString() ?? null,
    links: { self, redeliver: `${self}/redeliver` },
  };
}

/**
 * An endpoint's delivery log, scope `admin`: its deliveries (newest first),
 * one with every attempt, and redelivery on request (same message, same
 * webhook-id, a fresh round of attempts).
 */
export function deliveryRoutes(deps: DeliveryRoutesDeps): Router {
  const router = Router();
  const admin = requireScopes('admin');

  router.get(
    '/v1/webhooks/:id/deliveries',
    admin,
    deps.needs('postgres'),
    async (req: Request<{ id: string }>, res: Response) => {
      const endpoint = await ownEndpoint(deps.db, res, req.params.id);
      const page = readPage(req);
      const { items, total } = await listWebhookDeliveries(
        deps.db,
        tenantOf(res),
        endpoint.id,
        page,
      );
      const baseUrl = deps.baseUrl(req);
      setPageHeaders(req, res, baseUrl, page, total);
      res.json(items.map((d) => presentDelivery(d, baseUrl)));
    },
  );

  router.get(
    '/v1/webhooks/:id/deliveries/:deliveryId',
    admin,
    deps.needs('postgres'),
    async (req: Request<{ id: string; deliveryId: string }>, res: Response) => {
      const endpoint = await ownEndpoint(deps.db, res, req.params.id);
      const { deliveryId } = req.params;
      const found = UUID.test(deliveryId)
        ? await getWebhookDelivery(deps.db, tenantOf(res), endpoint.id, deliveryId.toLowerCase())
        : undefined;
      if (!found) throw deliveryNotFound(deliveryId);
      const body: z.infer<typeof webhookDeliveryDetailSchema> = {
        ...presentDelivery(found.delivery, deps.baseUrl(req)),
        attempts: found.attempts.map((a) => ({
          attempt: a.attempt,
          round: a.round,
          startedAt: a.startedAt.toISOString(),
          durationMs: a.durationMs,
          statusCode: a.statusCode,
          error: a.error,
        })),
      };
      res.json(body);
    },
  );

  /**
   * POST .../deliveries/{deliveryId}/redeliver: 202, the delivery pending
   * again in a new round. PostgreSQL first: if enqueuing fails now, the
   * workers' sweep enqueues it.
   */
  router.post(
    '/v1/webhooks/:id/deliveries/:deliveryId/redeliver',
    admin,
    deps.needs('postgres'),
    deps.idempotent,
    async (req: Request<{ id: string; deliveryId: string }>, res: Response) => {
      const endpoint = await ownEndpoint(deps.db, res, req.params.id);
      const { deliveryId } = req.params;
      const round = UUID.test(deliveryId)
        ? await redeliverWebhook(deps.db, tenantOf(res), endpoint.id, deliveryId.toLowerCase())
        : undefined;
      if (!round) throw deliveryNotFound(deliveryId);
      try {
        await deps.queue.enqueue([round]);
      } catch (err) {
        deps.logger.warn(
          { err, deliveryId: round.id },
          'could not enqueue a redelivery; the sweep will',
        );
      }
      deps.logger.info(
        { deliveryId: round.id, round: round.round, by: principalOf(res).keyId },
        'webhook redelivery requested',
      );
      const self = `${deps.baseUrl(req)}/v1/webhooks/${endpoint.id}/deliveries/${round.id}`;
      const body: z.infer<typeof redeliverySchema> = {
        id: round.id,
        status: 'pending',
        links: { self },
      };
      res.status(202).location(self).json(body);
    },
  );

  return router;
}
