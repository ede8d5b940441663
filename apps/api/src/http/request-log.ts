import { randomUUID } from 'node:crypto';
import type { Logger } from '@sluice/lifecycle';
import type { ApiMetrics } from '@sluice/metrics';
import type { NextFunction, Request, Response } from 'express';

/**
 * Every request gets an id (the client's X-Request-Id when it is sane, else
 * a new one, echoed back), and when it ends a count and a duration in the
 * HTTP metrics and one log line (health probes and scrapes are not logged).
 */
export function requestLog(deps: { metrics: ApiMetrics; logger: Logger }) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const incoming = req.headers['x-request-id'];
    const requestId =
      typeof incoming === 'string' && /^[\w-]{1,100}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', requestId);
    res.on('finish', () => {
      // Route templates only (bounded label values); unmatched paths share one label.
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      const labels = { method: req.method, route, status: String(res.statusCode) };
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      deps.metrics.httpRequests.inc(labels);
      deps.metrics.httpDuration.observe(labels, seconds);
      // The level first: the line's fields are not built for nothing.
      if (
        deps.logger.isLevelEnabled('info') &&
        !route.startsWith('/health') &&
        route !== '/metrics'
      ) {
        deps.logger.info(
          { requestId, ...labels, path: req.originalUrl, ms: Math.round(seconds * 1000) },
          'request',
        );
      }
    });
    next();
  };
}
