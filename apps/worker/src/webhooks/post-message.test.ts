import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postMessage } from './post-message.ts';

// A receiver on loopback: what a tenant's URL must not reach unless allowed.
let server: Server;
let port: number;
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/redirect') {
      res.writeHead(302, { location: '/landed', connection: 'close' }).end();
      return;
    }
    if (req.url === '/slow') return; // never answers
    res.writeHead(200, { connection: 'close' }).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const send = (url: string, allowPrivate: boolean, timeoutMs = 5_000) =>
  postMessage(url, { 'content-type': 'application/json' }, '{}', { allowPrivate, timeoutMs });

describe('postMessage (delivery-time SSRF check)', () => {
  it('refuses a loopback address, literal or behind a name, without connecting', async () => {
    const before = hits.length;
    const literal = await send(`http://127.0.0.1:${port}/a`, false);
    expect(literal).toMatchObject({ statusCode: null, refused: true });
    expect(literal.error).toContain('not a public address');
    // localhost resolves to loopback at delivery time: the lookup refuses it
    // (a name that was public when registered and points inside now: DNS rebinding).
    const named = await send(`http://localhost:${port}/b`, false);
    expect(named).toMatchObject({ statusCode: null, refused: true });
    expect(named.error).toContain('not a public address');
    expect(hits.length).toBe(before);
  });

  it('delivers to it when the operator allows private addresses', async () => {
    expect(await send(`http://127.0.0.1:${port}/c`, true)).toEqual({
      statusCode: 200,
      error: null,
      refused: false,
    });
    expect(await send(`http://localhost:${port}/c`, true)).toMatchObject({ statusCode: 200 });
  });

  it('does not follow redirects: a 302 is the answer', async () => {
    const before = hits.length;
    expect(await send(`http://127.0.0.1:${port}/redirect`, true)).toMatchObject({
      statusCode: 302,
    });
    expect(hits.slice(before)).toEqual(['/redirect']);
  });

  it('gives up on a receiver that does not answer within the timeout', async () => {
    const result = await send(`http://127.0.0.1:${port}/slow`, true, 300);
    expect(result).toMatchObject({ statusCode: null, refused: false });
    expect(result.error).toContain('WEBHOOK_TIMEOUT_MS');
  });

  it('refuses URLs that are not http(s)', async () => {
    expect(await send('ftp://example.com/x', true)).toMatchObject({ refused: true });
  });
});
