import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProcessLogger } from '@sluice/lifecycle';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonBody } from './json-body.ts';
import { problemErrorHandler } from './problem.ts';

let server: Server;
let url: string;

beforeAll(async () => {
  const app = express();
  app.post('/echo', jsonBody('1kb', 'Send the thing as application/json.'), (req, res) => {
    res.json({ received: req.body });
  });
  app.use(
    problemErrorHandler(createProcessLogger({ process: 'api', level: 'silent' }), () => undefined),
  );
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/echo`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const post = (body: string, contentType: string) =>
  fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });

describe('jsonBody', () => {
  it('parses application/json and application/*+json bodies', async () => {
    for (const type of ['application/json', 'application/merge-patch+json; charset=utf-8']) {
      const res = await post('{"a":[1,2]}', type);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ received: { a: [1, 2] } });
    }
  });

  it('refuses any other media type with 415 and the detail the route gave', async () => {
    const res = await post('a,b\n1,2\n', 'text/csv');
    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({
      code: 'unsupported_media_type',
      detail: 'Send the thing as application/json.',
    });
  });

  it('answers malformed JSON with 400 and a body over the limit with 413, as problems', async () => {
    const malformed = await post('{"a":', 'application/json');
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await malformed.json()).toMatchObject({ status: 400, code: 'bad_request' });
    const large = await post(JSON.stringify({ a: 'x'.repeat(2048) }), 'application/json');
    expect(large.status).toBe(413);
    expect(large.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await large.json()).toMatchObject({ status: 413, code: 'payload_too_large' });
  });
});
