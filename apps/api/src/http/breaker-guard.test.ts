import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type BreakerState,
  createDependencyBreakers,
  type DependencyBreakers,
} from '@sluice/breakers';
import { isPostgresUnavailableError } from '@sluice/db';
import { createProcessLogger } from '@sluice/lifecycle';
import { isRedisConnectionError } from '@sluice/queue';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createBreakerGuard } from './breaker-guard.ts';
import { classifyDependencyError } from './dependency-errors.ts';
import { problemErrorHandler, routeNotFound } from './problem.ts';

// Real breakers (no probes: the next call is the trial) behind a small app
// whose routes declare their needs as the API's routers do.

/** What PostgreSQL says when it shuts down under a connection. */
const postgresDown = () =>
  Object.assign(new Error('terminating connection due to administrator command'), {
    code: '57P01',
  });

let breakers: DependencyBreakers | undefined;
let server: Server | undefined;

afterEach(async () => {
  breakers?.shutdown();
  if (server) {
    server.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  }
  breakers = undefined;
  server = undefined;
});

/** Starts the app; `served` counts the requests that reached a route's handler. */
async function start() {
  breakers = createDependencyBreakers({
    settings: { resetTimeoutMs: 60_000, volumeThreshold: 3, errorThresholdPercentage: 50 },
    postgres: { isFailure: isPostgresUnavailableError },
    redis: { isFailure: isRedisConnectionError },
  });
  const guard = createBreakerGuard(breakers);
  const served = { count: 0 };
  const app = express();
  const answer = (_req: express.Request, res: express.Response) => {
    served.count += 1;
    res.json({ ok: true });
  };
  app.get('/postgres', guard.needs('postgres'), answer);
  app.get('/both', guard.needs('postgres', 'redis'), answer);
  app.get('/redis', guard.needs('redis'), answer);
  app.get('/nothing', guard.needs(), answer);
  app.get('/postgres-fails', guard.needs('postgres'), () => {
    served.count += 1;
    throw postgresDown();
  });
  app.get('/undeclared-fails', guard.needs(), () => {
    served.count += 1;
    throw postgresDown();
  });
  app.use(routeNotFound);
  app.use(guard.noteFailure);
  app.use(
    problemErrorHandler(
      createProcessLogger({ process: 'api', level: 'silent' }),
      classifyDependencyError,
    ),
  );
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server?.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { breakers, served, get: (path: string) => fetch(`${base}${path}`) };
}

/** Outcomes reach the breaker when the server closes the response, after the client has it. */
async function waitForState(breakers: DependencyBreakers, state: BreakerState) {
  const deadline = Date.now() + 3_000;
  while (breakers.postgres.state() !== state) {
    if (Date.now() > deadline) throw new Error(`postgres still ${breakers.postgres.state()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('breaker guard: each route declares what it needs', () => {
  it('refuses, without running them, the routes that need an open dependency; serves the others', async () => {
    const { breakers, served, get } = await start();
    for (let i = 0; i < 3; i++) breakers.postgres.record(postgresDown());
    await waitForState(breakers, 'open');

    for (const path of ['/postgres', '/both']) {
      const res = await get(path);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await res.json()).toMatchObject({
        code: 'dependency_unavailable',
        dependency: 'postgres',
      });
    }
    expect(served.count).toBe(0);
    expect(breakers.refusals()).toEqual({ postgres: 2, redis: 0 });

    expect((await get('/redis')).status).toBe(200);
    expect((await get('/nothing')).status).toBe(200);
    expect(served.count).toBe(2);
    // A path no route matches needs nothing: 404, not 503.
    expect(await (await get('/v1/nowhere')).json()).toMatchObject({ code: 'not_found' });
  });

  it('counts a declared route failing on its dependency; an undeclared one tells the breaker nothing', async () => {
    const { breakers, served, get } = await start();
    for (let i = 0; i < 5; i++) {
      const res = await get('/undeclared-fails');
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ code: 'dependency_unavailable' });
    }
    expect(breakers.postgres.state()).toBe('closed');

    for (let i = 0; i < 3; i++) expect((await get('/postgres-fails')).status).toBe(503);
    await waitForState(breakers, 'open');
    expect(served.count).toBe(8);
    expect((await get('/postgres-fails')).status).toBe(503);
    expect(served.count).toBe(8);
  });
});
