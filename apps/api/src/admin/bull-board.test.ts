import type { AddressInfo } from 'node:net';
import { createProcessLogger } from '@sluice/lifecycle';
import type { RedisConnection } from '@sluice/queue';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { problemErrorHandler } from '../http/problem.ts';
import { createAdminBoard } from './bull-board.ts';

describe('admin UI without ADMIN_USER/ADMIN_PASSWORD', () => {
  it('answers /admin/queues with 404 admin_disabled problem+json', async () => {
    const logger = createProcessLogger({ process: 'api', level: 'silent' });
    const board = createAdminBoard({
      credentials: undefined,
      // Never touched when disabled: no Queue is created.
      connection: {} as RedisConnection,
      prefix: '{unit-admin}',
      logger,
    });
    expect(board.enabled).toBe(false);
    const app = express();
    app.use(board.router);
    app.use(problemErrorHandler(logger, () => undefined));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
        const res = await fetch(`${base}${path}`);
        expect(res.status).toBe(404);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(await res.json()).toMatchObject({ status: 404, code: 'admin_disabled' });
      }
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await board.close();
    }
  });
});
