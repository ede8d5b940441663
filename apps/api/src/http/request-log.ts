import { randomUUID } from 'node:crypto';
import type { Logger } from '@sluice/lifecycle';
import type { ApiMetrics } from '@sluice/metrics';
import type { NextFunction, Request, Response } from 'express';

export interface RequestLogDeps {
  metrics: ApiMetrics;
  logger: Logger;
  /** SLOW_REQUEST_MS: a request that takes longer is also logged at warn; 0 or unset: never. */
  slowRequestMs?: number | undefined;
}

/** Milliseconds since `started`, to the microsecond (X-Response-Time's unit, as the usual middleware writes it). */
const msSince = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e6;

/**
 * Every request gets an id (the client's X-Request-Id when it is sane, else
 * a new one, echoed back), an X-Response-Time header (time until its headers
 * were sent: for a download or an event stream, until it began), and when it
 * ends a count and a duration in the HTTP metrics and one log line (health
 * probes and scrapes are not logged); one slower than SLOW_REQUEST_MS, to
 * its end, also a warning (event streams, long by design, never).
 */
export function requestLog(deps: RequestLogDeps) {
  const slowMs = deps.slowRequestMs ?? 0;
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const incoming = req.headers['x-request-id'];
    const requestId =
      typeof incoming === 'string' && /^[\w-]{1,100}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', requestId);
    // Every way headers leave (express' send, a stream's first write, an
    // error handler) goes through writeHead, Node's implicit one included.
    const writeHead = res.writeHead;
    res.writeHead = function (this: Response, ...args: unknown[]) {
      if (!this.headersSent) this.setHeader('x-response-time', `${msSince(started).toFixed(3)}ms`);
      return (writeHead as (...a: unknown[]) => Response).apply(this, args);
    } as Response['writeHead'];
    res.on('finish', () => {
      // Route templates only (bounded label values); unmatched paths share one label.
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      const labels = { method: req.method, route, status: String(res.statusCode) };
      const ms = msSince(started);
      deps.metrics.httpRequests.inc(labels);
      deps.metrics.httpDuration.observe(labels, ms / 1000);
      const slow = slowMs > 0 && ms > slowMs && !isEventStream(res);
      // The level first: the line's fields are not built for nothing.
      const logged =
        deps.logger.isLevelEnabled('info') && !route.startsWith('/health') && route !== '/metrics';
      if (!logged && !slow) return;
      const fields = { requestId, ...labels, path: req.originalUrl, ms: Math.round(ms) };
      if (logged) deps.logger.info(fields, 'request');
      if (slow) deps.logger.warn({ ...fields, thresholdMs: slowMs }, 'slow request');
    });
    next();
  };
}

function isEventStream(res: Response): boolean {
  return String(res.getHeader('content-type') ?? '').startsWith('text/event-stream');
}
