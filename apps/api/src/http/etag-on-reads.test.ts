import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { etagOnReads } from './etag-on-reads.ts';

const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

/** An app answering GET, HEAD and POST with bodies of every kind res.send takes. */
async function serve(onlyReads: boolean): Promise<string> {
  const app = express();
  if (onlyReads) app.use(etagOnReads(app));
  const bodies: Record<string, unknown> = {
    json: { ok: true, text: 'ä' },
    string: 'plain text, ü',
    buffer: Buffer.from('bytes'),
    empty: null,
    large: { rows: Array.from({ length: 500 }, (_, i) => ({ i, name: `row ${i}` })) },
  };
  for (const [name, body] of Object.entries(bodies)) {
    app.get(`/${name}`, (_req, res) => {
      res.send(body);
    });
    app.post(`/${name}`, (_req, res) => {
      res.status(202).send(body);
    });
  }
  app.get('/preset', (_req, res) => {
    res.set('ETag', '"mine"').json({ ok: true });
  });
  const server = createServer(app);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const paths = ['/json', '/string', '/buffer', '/empty', '/large', '/preset'];

describe('etagOnReads', () => {
  it("gives reads express's own ETags, byte for byte", async () => {
    const [mine, express] = await Promise.all([serve(true), serve(false)]);
    for (const path of paths) {
      for (const method of ['GET', 'HEAD']) {
        const a = await fetch(mine + path, { method });
        const b = await fetch(express + path, { method });
        expect(a.headers.get('etag'), `${method} ${path}`).toBe(b.headers.get('etag'));
        expect(a.headers.get('etag'), `${method} ${path}`).toBeTruthy();
        expect(await a.text()).toBe(await b.text());
      }
    }
  });

  it('answers a matching If-None-Match on a read with 304, a stale one with 200', async () => {
    const url = await serve(true);
    const first = await fetch(`${url}/json`);
    const etag = first.headers.get('etag')!;
    // fetch adds Cache-Control: no-cache to a conditional request (which
    // express rightly answers in full) unless it has a Cache-Control.
    const again = await fetch(`${url}/json`, {
      headers: { 'if-none-match': etag, 'cache-control': 'max-age=0' },
    });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const stale = await fetch(`${url}/json`, {
      headers: { 'if-none-match': 'W/"other"', 'cache-control': 'max-age=0' },
    });
    expect(stale.status).toBe(200);
  });

  it('hashes no answer to a POST (express would have)', async () => {
    const [mine, express] = await Promise.all([serve(true), serve(false)]);
    for (const path of paths.slice(0, -1)) {
      const a = await fetch(mine + path, { method: 'POST' });
      expect(a.status).toBe(202);
      expect(a.headers.get('etag'), path).toBeNull();
      const b = await fetch(express + path, { method: 'POST' });
      expect(b.headers.get('etag'), path).toBeTruthy();
      expect(await a.text()).toBe(await b.text());
    }
  });
});
