import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Request } from 'express';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { linkBase, listenOrigin } from './listen-origin.ts';

/** GETs `/` from an app answering its link base, with a forged Host header. */
async function linkBaseSeen(listenHost: string, connectHost: string, publicUrl?: string) {
  const app = express();
  const base = linkBase(publicUrl);
  app.get('/', (req, res) => {
    res.send(base(req));
  });
  const server = app.listen(0, listenHost);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  try {
    const seen = await new Promise<string>((resolve, reject) => {
      http
        .get({ host: connectHost, port, path: '/', headers: { host: 'evil.example' } }, (res) => {
          let body = '';
          res.on('data', (d) => {
            body += d;
          });
          res.on('end', () => resolve(body));
        })
        .on('error', reject);
    });
    return { seen, port };
  } finally {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  }
}

describe('linkBase', () => {
  it('is the address the connection reached, never the Host header', async () => {
    const v4 = await linkBaseSeen('127.0.0.1', '127.0.0.1');
    expect(v4.seen).toBe(`http://127.0.0.1:${v4.port}`);
    // Listening on every interface: the one the client reached.
    const all = await linkBaseSeen('::', '127.0.0.1');
    expect(all.seen).toBe(`http://127.0.0.1:${all.port}`);
    const v6 = await linkBaseSeen('::1', '::1');
    expect(v6.seen).toBe(`http://[::1]:${v6.port}`);
  });

  it('is PUBLIC_URL when it is set', async () => {
    expect((await linkBaseSeen('127.0.0.1', '127.0.0.1', 'https://sluice.example.com')).seen).toBe(
      'https://sluice.example.com',
    );
  });
});

describe('listenOrigin of a closed socket', () => {
  it("takes the port from the socket's server (a closed socket forgets its own)", () => {
    const req = {
      socket: {
        localAddress: undefined,
        localPort: undefined,
        server: { address: () => ({ port: 8123 }) },
      },
    } as unknown as Request;
    expect(listenOrigin(req)).toBe('http://127.0.0.1:8123');
    expect(() => new URL('/v1/jobs', listenOrigin(req))).not.toThrow();
  });
});
