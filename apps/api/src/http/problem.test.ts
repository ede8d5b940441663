import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpProblem, sendProblem } from './problem.ts';

/**
 * sendProblem on a request refused before its body was read (the breaker
 * guard's 503, a 415 on the content type): the body is drained first, and a
 * connection whose body was read to its end stays usable for the next request.
 */
let server: http.Server;
let url: string;
let connections = 0;

beforeAll(async () => {
  const app = express();
  app.post('/refuse', (req, res) => {
    sendProblem(
      req,
      res,
      new HttpProblem('dependency_unavailable', 'down', {
        headers: { 'retry-after': '5' },
      }),
    );
  });
  server = http.createServer(app);
  server.on('connection', () => {
    connections += 1;
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

function post(
  agent: http.Agent,
  body: Buffer,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/refuse`,
      { method: 'POST', agent, headers: { 'content-type': 'text/csv' } },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (p: Buffer) => parts.push(p));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(parts).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    // Chunked, in pieces: the body is still arriving when the route refuses.
    for (let offset = 0; offset < body.length; offset += 16 * 1024) {
      req.write(body.subarray(offset, offset + 16 * 1024));
    }
    req.end();
  });
}

describe('sendProblem before the body was read', () => {
  it('answers after draining the body and keeps the connection for the next request', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const before = connections;
      for (const size of [40, 1024 * 1024, 10]) {
        const res = await post(agent, Buffer.alloc(size, 'a'));
        expect(res.status).toBe(503);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.headers['retry-after']).toBe('5');
        expect(res.headers.connection).not.toBe('close');
        expect(JSON.parse(res.body)).toMatchObject({ code: 'dependency_unavailable' });
      }
      // Three requests, one connection: none was closed after its refusal.
      expect(connections - before).toBe(1);
    } finally {
      agent.destroy();
    }
  });
});
