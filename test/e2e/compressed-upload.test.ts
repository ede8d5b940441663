import { readFileSync } from 'node:fs';
import {
  brotliCompressSync,
  deflateSync,
  gzipSync,
  type InputType,
  zstdCompressSync,
} from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getText, type JobBody, submitCsv, waitForJob } from '../support/client.ts';
import { generateContactsCsv } from '../support/generate-contacts.ts';
import { type Stack, startStack } from '../support/stack.ts';

// Uploads with a Content-Encoding: decoded as they stream (gzip, deflate,
// br, zstd), the decoded size counted against MAX_UPLOAD_BYTES and the
// expansion capped (zip bombs); other encodings and corrupt data are refused
// with their own codes.

const SAMPLE = readFileSync(new URL('../fixtures/contacts-sample.csv', import.meta.url));
const MAX_UPLOAD = 8 * 1024 * 1024;

let stack: Stack;
let plain: JobBody;
let plainResult: string;

beforeAll(async () => {
  stack = await startStack({
    queuePrefix: '{e2e-compressed-upload}',
    env: { MAX_UPLOAD_BYTES: String(MAX_UPLOAD) },
  });
  plain = await waitForJob(stack.apiUrl, (await submitCsv(stack.apiUrl, SAMPLE)).id);
  plainResult = (await getText(plain.links.result)).body;
});

afterAll(async () => {
  const codes = await stack?.stop();
  expect(codes).toEqual([0, 0]);
});

function post(body: Uint8Array, headers: Record<string, string>, path = '/v1/jobs') {
  return fetch(`${stack.apiUrl}${path}`, { method: 'POST', headers, body });
}

async function expectProblem(res: Response, status: number, code: string) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(JSON.parse(text)).toMatchObject({ status, code });
}

async function collect(source: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of source) parts.push(part);
  return Buffer.concat(parts);
}

describe('compressed uploads', () => {
  const encoders: Array<[string, (data: InputType) => Buffer]> = [
    ['gzip', gzipSync],
    ['x-gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
    ['zstd', zstdCompressSync],
    ['identity, gzip', gzipSync],
  ];
  for (const [coding, encode] of encoders) {
    it(`decodes a text/csv body sent with Content-Encoding: ${coding}`, async () => {
      const res = await post(encode(SAMPLE), {
        'content-type': 'text/csv',
        'content-encoding': coding,
      });
      const body = await res.text();
      expect(res.status, body).toBe(202);
      const job = await waitForJob(stack.apiUrl, (JSON.parse(body) as JobBody).id);
      expect(job.counts).toEqual(plain.counts);
      expect((await getText(job.links.result)).body).toBe(plainResult);
    });
  }

  it('decodes a gzip-compressed multipart/form-data body, its fields and file name', async () => {
    const form = new FormData();
    form.append('phoneRegion', 'US');
    form.append('file', new Blob([SAMPLE], { type: 'text/csv' }), 'contacts.csv');
    const encoded = new Request('http://x/', { method: 'POST', body: form });
    const raw = Buffer.from(await encoded.arrayBuffer());
    const res = await post(gzipSync(raw), {
      'content-type': encoded.headers.get('content-type')!,
      'content-encoding': 'gzip',
    });
    const body = await res.text();
    expect(res.status, body).toBe(202);
    const accepted = JSON.parse(body) as JobBody & { fileName: string };
    expect(accepted.fileName).toBe('contacts.csv');
    const job = await waitForJob(stack.apiUrl, accepted.id);
    expect((await getText(job.links.result)).body).toBe(plainResult);
  });

  it('415 unsupported_compression for an encoding it does not decode, or several stacked', async () => {
    for (const coding of ['compress', 'gzip, gzip', 'x-unknown']) {
      await expectProblem(
        await post(gzipSync(SAMPLE), { 'content-type': 'text/csv', 'content-encoding': coding }),
        415,
        'unsupported_compression',
      );
    }
    // The JSON routes (body-parser) say the same with the same code.
    await expectProblem(
      await post(
        Buffer.from('{"values":[]}'),
        { 'content-type': 'application/json', 'content-encoding': 'compress' },
        '/v1/normalize',
      ),
      415,
      'unsupported_compression',
    );
  });

  it('400 malformed_compression for a body that is not what its Content-Encoding says', async () => {
    const csv = { 'content-type': 'text/csv' };
    await expectProblem(
      await post(SAMPLE, { ...csv, 'content-encoding': 'gzip' }),
      400,
      'malformed_compression',
    );
    await expectProblem(
      await post(gzipSync(SAMPLE).subarray(0, 200), { ...csv, 'content-encoding': 'gzip' }),
      400,
      'malformed_compression',
    );
    await expectProblem(
      await post(SAMPLE, { ...csv, 'content-encoding': 'br' }),
      400,
      'malformed_compression',
    );
  });

  it('413 payload_too_large when the DECODED file is over MAX_UPLOAD_BYTES', async () => {
    const csv = await collect(generateContactsCsv(100_000, 3));
    expect(csv.length).toBeGreaterThan(MAX_UPLOAD);
    const compressed = gzipSync(csv);
    expect(compressed.length).toBeLessThan(MAX_UPLOAD / 2);
    await expectProblem(
      await post(compressed, { 'content-type': 'text/csv', 'content-encoding': 'gzip' }),
      413,
      'payload_too_large',
    );
  });

  it('413 excessive_compression for a zip bomb, before decoding it all', async () => {
    // 7 MB of one repeated row: under MAX_UPLOAD_BYTES decoded, but ~1000 times
    // its gzip size. A request can be a zip bomb whatever the upload limit.
    const bomb = gzipSync(Buffer.from(`a,b\n${'0,0\n'.repeat((7 * 1024 * 1024) / 4)}`), {
      level: 9,
    });
    expect(bomb.length).toBeLessThan(64 * 1024);
    await expectProblem(
      await post(bomb, { 'content-type': 'text/csv', 'content-encoding': 'gzip' }),
      413,
      'excessive_compression',
    );
  });
});
