import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProcessLogger } from '@sluice/lifecycle';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { problemErrorHandler } from '../http/problem.ts';
import { type AdminAccessOptions, adminAccess } from './admin-access.ts';
import { createLoginThrottle } from './login-throttle.ts';

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
  app.get('/admin/page', (_req, res) => {
    res.json({ page: true });
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

/** GET /admin/page from `localAddress` (127.0.0.x: another client) with `authorization`. */
function visit(
  port: number,
  localAddress: string,
  authorization?: string,
): Promise<{ status: number; retryAfter?: string; code?: string }> {
  return new Promise((resolve, reject) => {
    const headers = authorization ? { authorization } : {};
    http
      .get({ host: '127.0.0.1', port, path: '/admin/page', localAddress, headers }, (res) => {
        let body = '';
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: res.headers['retry-after'],
            code: (JSON.parse(body) as { code?: string }).code,
          }),
        );
      })
      .on('error', reject);
  });
}

describe('admin logins: failed attempts are throttled per client', () => {
  it('answers 429 with Retry-After, credentials unchecked, once a client has failed too often', async () => {
    const clock = { now: 0 };
    const throttle = createLoginThrottle(
      { maxFailures: 3, windowMs: 60_000, maxClients: 100 },
      () => clock.now,
    );
    const port = await start({ throttle });
    const wrong = `Basic ${Buffer.from('ops:wrong password').toString('base64')}`;
    // Requests without credentials (a browser's first) are not failures.
    for (let i = 0; i < 5; i++) expect((await visit(port, '127.0.0.2')).status).toBe(401);
    for (let i = 0; i < 3; i++) expect((await visit(port, '127.0.0.2', wrong)).status).toBe(401);
    expect(await visit(port, '127.0.0.2', wrong)).toEqual({
      status: 429,
      retryAfter: '20',
      code: 'too_many_login_attempts',
    });
    // Even the right credentials wait: a guess is not checked while throttled.
    expect((await visit(port, '127.0.0.2', authorization)).status).toBe(429);
    // Another client is served.
    expect((await visit(port, '127.0.0.3', authorization)).status).toBe(200);
    // A token back after windowMs / maxFailures.
    clock.now += 20_000;
    expect((await visit(port, '127.0.0.2', authorization)).status).toBe(200);
  });
});
