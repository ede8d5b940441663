import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProcessLogger } from '@sluice/lifecycle';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemErrorHandler } from '../http/problem.ts';
import { NORMALIZE_LIMITS, normalizeRoutes } from './normalize-routes.ts';

// POST /v1/normalize runs on the API's event loop: its body and value count
// are bounded so that one request cannot hold the loop for long.

let server: Server;
let url: string;

beforeAll(async () => {
  const app = express();
  app.use(normalizeRoutes());
  app.use(
    problemErrorHandler(createProcessLogger({ process: 'api', level: 'silent' }), () => undefined),
  );
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/normalize`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

const post = (body: string) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

const values = (count: number, value: string) =>
  JSON.stringify({ values: Array.from({ length: count }, () => ({ type: 'company', value })) });

describe('POST /v1/normalize limits', () => {
  it('serves up to 1000 values in a body up to 128 KiB', async () => {
    expect(NORMALIZE_LIMITS).toEqual({ maxBodyBytes: 128 * 1024, maxValues: 1000 });
    const most = values(1000, 'Acme Corp');
    const res = await post(most);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { results: unknown[] }).results).toHaveLength(1000);
    // A body just under the byte limit, fewer values but long ones.
    const long = values(100, 'x'.repeat(1200));
    expect(long.length).toBeGreaterThan(120 * 1024);
    expect(long.length).toBeLessThanOrEqual(128 * 1024);
    const longRes = await post(long);
    expect(longRes.status).toBe(200);
    await longRes.body?.cancel();
  });

  it('413 payload_too_large for a body over 128 KiB', async () => {
    const res = await post(values(100, 'x'.repeat(1400)));
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ code: 'payload_too_large' });
  });

  it('400 too_many_values for more than 1000 values', async () => {
    const res = await post(values(1001, 'a'));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'too_many_values', maxValues: 1000 });
  });
});

describe('POST /v1/normalize hostile bodies', () => {
  const problem = async (body: string) => {
    const res = await post(body);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    return { status: res.status, code: ((await res.json()) as { code: string }).code };
  };
  const item = '{"type":"phone","value":"(415) 555-2671"}';

  it('400 invalid_option for an option that is not one string (never a 500)', async () => {
    for (const options of [
      '{"phoneRegion":{"toString":1}}',
      '{"phoneRegion":["US"]}',
      '[1]',
      '{"__proto__":{"phoneRegion":"DE"}}',
    ]) {
      expect(await problem(`{"values":[${item}],"options":${options}}`), options).toEqual({
        status: 400,
        code: 'invalid_option',
      });
    }
  });

  it('400 invalid_character for a NUL or a lone surrogate anywhere in the body', async () => {
    for (const body of [
      `{"values":[${item}],"options":{"timeZone":"UTC\\u0000"}}`,
      `{"values":[{"type":"text","value":"a\\ud800"}]}`,
    ]) {
      expect(await problem(body), body).toEqual({ status: 400, code: 'invalid_character' });
    }
  });
});
