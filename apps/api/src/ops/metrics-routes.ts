import { isAuthorizedScrape, type Registry } from '@sluice/metrics';
import { Router } from 'express';
import { HttpProblem } from '../http/problem.ts';

/** GET /metrics: the API's Prometheus registry, for scrapes (behind METRICS_TOKEN when set). */
export function metricsRoutes(registry: Registry, token?: string): Router {
  const router = Router();
  router.get('/metrics', async (req, res) => {
    if (!isAuthorizedScrape(req.get('authorization'), token)) {
      throw new HttpProblem('unauthorized', 'Scraping /metrics needs the metrics token (Bearer).', {
        headers: { 'www-authenticate': 'Bearer realm="sluice-metrics"' },
      });
    }
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}
