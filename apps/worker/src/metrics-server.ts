import { createServer, type Server } from 'node:http';
import { isAuthorizedScrape, type Registry } from '@sluice/metrics';

/** Each worker process exposes its own /metrics (Prometheus scrapes every process). */
export function startMetricsServer(
  registry: Registry,
  port: number,
  host: string,
  token?: string,
): Promise<Server> {
  const server = createServer(async (req, res) => {
    if (req.url === '/metrics' && !isAuthorizedScrape(req.headers.authorization, token)) {
      res.statusCode = 401;
      res.setHeader('www-authenticate', 'Bearer realm="sluice-metrics"');
      res.end();
    } else if (req.url === '/metrics') {
      res.setHeader('content-type', registry.contentType);
      res.end(await registry.metrics());
    } else if (req.url === '/health/live') {
      res.setHeader('content-type', 'application/json');
      res.end('{"status":"ok"}');
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
