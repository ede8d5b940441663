import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDependencyBreakers, type DependencyBreakers } from '@sluice/breakers';
import { isPostgresUnavailableError } from '@sluice/db';
import { createProcessLogger } from '@sluice/lifecycle';
import { isRedisConnectionError } from '@sluice/queue';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createBreakerGuard } from './breaker-guard.ts';
import { sendCsvDownload } from './csv-download.ts';
import { classifyDependencyError } from './dependency-errors.ts';
import { problemErrorHandler } from './problem.ts';

// sendCsvDownload behind the real breaker guard and error handler, as the
// download routes use it; the pages are generators that fail the way a page
// read fails when PostgreSQL shuts down under its connection (the failure the
// e2e test download-outage.test.ts causes with a real server).

const postgresDown = () =>
  Object.assign(new Error('terminating connection due to administrator command'), {
    code: '57P01',
  });

let breakers: DependencyBreakers | undefined;
let server: http.Server | undefined;

afterEach(async () => {
  breakers?.shutdown();
  if (server) {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  }
  breakers = undefined;
  server = undefined;
});

const PAGE = `${'x,y\n'.repeat(1024)}`;

async function start() {
  breakers = createDependencyBreakers({
    settings: { resetTimeoutMs: 60_000, volumeThreshold: 3, errorThresholdPercentage: 50 },
    postgres: { isFailure: isPostgresUnavailableError },
    redis: { isFailure: isRedisConnectionError },
  });
  const guard = createBreakerGuard(breakers);
  const reads = { pages: 0, closed: 0 };
  /** `count` pages, then (failAt) a failed read. */
  const pages = (count: number, failAt?: number) =>
    (async function* () {
      try {
        for (let i = 0; i < count; i++) {
          // A page read is a database round trip, never synchronous.
          await new Promise((r) => setImmediate(r));
          if (i === failAt) throw postgresDown();
          reads.pages += 1;
          yield PAGE;
        }
      } finally {
        reads.closed += 1;
      }
    })();
  const app = express();
  const download =
    (count: number, failAt?: number): express.RequestHandler =>
    async (_req, res) => {
      await sendCsvDownload(res, {
        fileName: 'f.csv',
        header: 'a,b\n',
        pages: pages(count, failAt),
      });
    };
  app.get('/ok', guard.needs('postgres'), download(3));
  app.get('/empty', guard.needs('postgres'), download(0));
  app.get('/fails-first', guard.needs('postgres'), download(3, 0));
  app.get('/fails-later', guard.needs('postgres'), download(3, 2));
  app.get('/long', guard.needs('postgres'), download(100_000));
  app.use(guard.noteFailure);
  app.use(
    problemErrorHandler(
      createProcessLogger({ process: 'api', level: 'silent' }),
      classifyDependencyError,
    ),
  );
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { breakers, reads, base };
}

/** GET with node:http: how the body ended, and what came. */
function get(url: string) {
  return new Promise<{
    status: number;
    headers: http.IncomingHttpHeaders;
    body: string;
    complete: boolean;
  }>((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (piece: string) => {
          body += piece;
        });
        res.on('close', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            complete: res.complete,
          }),
        );
      })
      .on('error', reject);
  });
}

describe('sendCsvDownload', () => {
  it('sends the header line and every page, as an attachment', async () => {
    const { base } = await start();
    const res = await get(`${base}/ok`);
    expect(res).toMatchObject({ status: 200, complete: true, body: `a,b\n${PAGE.repeat(3)}` });
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="?f\.csv/);
    expect((await get(`${base}/empty`)).body).toBe('a,b\n');
  });

  it('answers 503 + Retry-After when the first page cannot be read, and the breaker counts it', async () => {
    const { breakers, base } = await start();
    for (let i = 0; i < 3; i++) {
      const res = await get(`${base}/fails-first`);
      expect(res.status).toBe(503);
      expect(res.headers['content-disposition']).toBeUndefined();
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(JSON.parse(res.body)).toMatchObject({ code: 'dependency_unavailable' });
    }
    await expect.poll(() => breakers.postgres.state()).toBe('open');
  });

  it('cuts the transfer when a later page fails (never a complete-looking file), and the breaker counts it', async () => {
    const { breakers, base } = await start();
    for (let i = 0; i < 3; i++) {
      const res = await get(`${base}/fails-later`);
      expect(res.status).toBe(200);
      expect(res.complete).toBe(false);
      expect(res.body.startsWith(`a,b\n${PAGE}`)).toBe(true);
    }
    await expect.poll(() => breakers.postgres.state()).toBe('open');
  });

  it('stops reading pages when the client goes away', async () => {
    const { reads, base } = await start();
    await new Promise<void>((resolve, reject) => {
      const req = http.get(`${base}/long`, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => {});
      req.on('close', () => resolve());
      setTimeout(() => reject(new Error('no data')), 5_000).unref();
    });
    await expect.poll(() => reads.closed).toBe(1);
    expect(reads.pages).toBeLessThan(100_000);
  });
});
