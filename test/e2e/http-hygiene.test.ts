// Response hygiene: compression per Accept-Encoding (JSON and streamed CSV
// downloads), helmet's security headers on every route, ETag/304 on a
// finished job, no ETag on a submission's answer.
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader } from '../support/api-keys.ts';
import { type JobBody, submitCsv, waitForJob } from '../support/client.ts';
import { CONTACT_HEADER, contactRow } from '../support/generate-contacts.ts';
import { type Stack, startStack } from '../support/stack.ts';

let stack: Stack;
let job: JobBody;

beforeAll(async () => {
  stack = await startStack({ queuePrefix: '{e2e-http-hygiene}' });
  const csv = `${CONTACT_HEADER}\n${Array.from({ length: 3000 }, (_, i) => contactRow(i + 1)).join('\n')}\n`;
  job = await waitForJob(stack.apiUrl, (await submitCsv(stack.apiUrl, csv)).id);
  expect(job.status).toBe('completed');
});

afterAll(async () => {
  const codes = await stack?.stop();
  expect(codes).toEqual(codes?.map(() => 0));
});

/** A GET as raw bytes, without the automatic decoding fetch does. */
function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}> {
  return new Promise((resolve, reject) => {
    const url = `${stack.apiUrl}${path}`;
    const req = request(url, { headers: { ...authHeader(url), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const decode: Record<string, (b: Buffer) => Buffer> = {
  gzip: gunzipSync,
  br: brotliDecompressSync,
};

describe('compression', () => {
  it.each(['gzip', 'br'])(
    'sends the streamed result.csv %s-encoded when asked, same bytes decoded',
    async (encoding) => {
      const path = `/v1/jobs/${job.id}/result.csv`;
      const plain = await get(path);
      expect(plain.status).toBe(200);
      expect(plain.headers['content-encoding']).toBeUndefined();
      const packed = await get(path, { 'accept-encoding': encoding });
      expect(packed.status).toBe(200);
      expect(packed.headers['content-encoding']).toBe(encoding);
      expect(packed.headers.vary).toMatch(/accept-encoding/i);
      expect(packed.body.length).toBeLessThan(plain.body.length / 2);
      expect(decode[encoding]!(packed.body).equals(plain.body)).toBe(true);
    },
  );

  it('compresses a large JSON body (a job view), not a small one', async () => {
    const view = await get(`/v1/jobs/${job.id}`, { 'accept-encoding': 'br, gzip' });
    expect(view.headers['content-encoding']).toBe('br');
    expect((JSON.parse(decode.br!(view.body).toString()) as JobBody).id).toBe(job.id);
    const live = await get('/health/live', { 'accept-encoding': 'gzip' });
    expect(live.status).toBe(200);
    expect(live.headers['content-encoding']).toBeUndefined();
  });
});

describe('security headers', () => {
  it.each([
    '/v1/jobs',
    `/v1/jobs/${'00000000-0000-4000-8000-000000000000'}`,
    '/health/live',
    '/metrics',
    '/no/such/route',
  ])('are on %s', async (path) => {
    const res = await get(path);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});

describe('conditional requests', () => {
  it('a finished job has an ETag; If-None-Match answers 304 with no body', async () => {
    const first = await get(`/v1/jobs/${job.id}`);
    const etag = first.headers.etag;
    expect(etag).toBeTypeOf('string');
    const again = await get(`/v1/jobs/${job.id}`, { 'if-none-match': String(etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const changed = await get(`/v1/jobs/${job.id}`, { 'if-none-match': 'W/"other"' });
    expect(changed.status).toBe(200);
  });

  it("a submission's 202 has no ETag (only reads can be revalidated); reads keep theirs", async () => {
    const res = await fetch(`${stack.apiUrl}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: `${CONTACT_HEADER}\n${contactRow(1)}\n`,
    });
    const body = await res.text();
    expect(res.status, body).toBe(202);
    expect(res.headers.get('etag')).toBeNull();
    expect((await get('/v1/jobs')).headers.etag).toBeTypeOf('string');
  });
});
