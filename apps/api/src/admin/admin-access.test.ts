import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProcessLogger } from '@sluice/lifecycle';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { problemErrorHandler } from '../http/problem.ts';
import { type AdminAccessOptions, adminAccess } from './admin-access.ts';

const credentials = { user: 'ops', password: 'correct horse battery staple' };
const authorization = `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`;
const logger = createProcessLogger({ process: 'api', level: 'silent' });

let server: http.Server | undefined;

afterEach(async () => {
  if (!server) return;
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
  server = undefined;
});

/** An app with the admin access check in front of one action; answers its port. */
async function start(options: Partial<AdminAccessOptions> = {}): Promise<number> {
  const app = express();
  app.use('/admin', adminAccess({ credentials, logger, ...options }));
  app.put('/admin/action', (_req, res) => {
    res.json({ done: true });
  });
  app.use(problemErrorHandler(logger, () => undefined));
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** PUT /admin/action with the admin credentials and `headers` (Host included, as given). */
function act(
  port: number,
  headers: Record<string, string>,
): Promise<{ status: number; code?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/admin/action',
        method: 'PUT',
        headers: { authorization, ...headers },
      },
      (res) => {
        let body = '';
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            code: (JSON.parse(body) as { code?: string }).code,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('admin actions (CSRF): Origin or Referer against the admin UI origins', () => {
  it('does not trust an origin because the Host header names it', async () => {
    const port = await start();
    const forged: Array<Record<string, string>> = [
      { host: 'rebound.example', origin: 'http://rebound.example' },
      { host: `rebound.example:${port}`, origin: `http://rebound.example:${port}` },
      { host: 'rebound.example', referer: 'http://rebound.example/admin/queues' },
    ];
    for (const headers of forged) {
      expect(await act(port, headers), JSON.stringify(headers)).toEqual({
        status: 403,
        code: 'csrf_rejected',
      });
    }
  });

  it("accepts the API's own address, and localhost for it on a loopback address", async () => {
    const port = await start();
    for (const origin of [
      `http://127.0.0.1:${port}`,
      `http://localhost:${port}`,
      `http://[::1]:${port}`,
    ]) {
      expect((await act(port, { origin })).status, origin).toBe(200);
    }
    expect((await act(port, { referer: `http://127.0.0.1:${port}/admin/queues` })).status).toBe(
      200,
    );
    for (const origin of [`http://localhost:${port + 1}`, `https://127.0.0.1:${port}`, 'null']) {
      expect((await act(port, { origin })).status, origin).toBe(403);
    }
    expect((await act(port, {})).status).toBe(403);
  });

  it('accepts the origin of PUBLIC_URL and of ADMIN_ALLOWED_ORIGINS, by scheme, host and port', async () => {
    const port = await start({
      publicUrl: 'https://sluice.example.com/base',
      allowedOrigins: ['https://ops.example.com', 'http://10.0.0.5:8080'],
    });
    for (const origin of [
      'https://sluice.example.com',
      'https://ops.example.com',
      'http://10.0.0.5:8080',
    ]) {
      expect((await act(port, { host: 'sluice.example.com', origin })).status, origin).toBe(200);
    }
    for (const origin of [
      'http://sluice.example.com',
      'https://sluice.example.com:8443',
      'https://evil.example.com',
      'http://10.0.0.5:8081',
    ]) {
      expect((await act(port, { host: 'sluice.example.com', origin })).status, origin).toBe(403);
    }
  });
});
