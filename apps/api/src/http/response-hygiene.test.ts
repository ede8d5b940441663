import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import helmet from 'helmet';
import { afterAll, describe, expect, it } from 'vitest';
import { HELMET_OPTIONS, securityHeaders } from './response-hygiene.ts';

const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

/** The headers of a response from an app with `middleware` in front of a JSON route. */
async function headersWith(middleware: RequestHandler): Promise<Record<string, string>> {
  const app = express();
  app.use(middleware);
  app.get('/x', (_req, res) => {
    res.json({ ok: true });
  });
  const server = createServer(app);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const response = await fetch(`http://127.0.0.1:${port}/x`);
  await response.arrayBuffer();
  const headers = Object.fromEntries(response.headers);
  delete headers.date;
  return headers;
}

describe('securityHeaders', () => {
  it("gives a response exactly helmet's headers (X-Powered-By removed too)", async () => {
    const replayed = await headersWith(securityHeaders());
    const fromHelmet = await headersWith(helmet(HELMET_OPTIONS));
    expect(replayed).toEqual(fromHelmet);
    expect(replayed['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(replayed['x-content-type-options']).toBe('nosniff');
    expect(replayed['x-powered-by']).toBeUndefined();
  });
});
