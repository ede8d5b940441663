import type { Registry } from '@sluice/metrics';
import { Router } from 'express';

/** GET /metrics: the API's Prometheus registry, for scrapes. */
export function metricsRoutes(registry: Registry): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}
