import { once } from 'node:events';
import http from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { createProcessLogger } from '@sluice/lifecycle';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpProblem, problemErrorHandler } from '../../http/problem.ts';
import { openCsvUpload } from './request-body.ts';

/**
 * The upload's body reading and the refusal's drain together: a route that
 * reads part of the upload, leaves its reader as it is (not returned) and
 * refuses must still answer a client that writes its whole body before
 * reading; a client that goes away mid-upload fails the reader.
 */
const LIMITS = {
  maxUploadBytes: 1024 ** 3,
  maxDecompressionRatio: 200,
  maxWorkbookSharedStringsBytes: 64 * 1024 ** 2,
};
let server: http.Server;
let url: string;
const readerOutcome: Array<Promise<string>> = [];

beforeAll(async () => {
  const app = express();
  app.post('/refuse-after-first-piece', async (req) => {
    const upload = await openCsvUpload(req, LIMITS);
    const reader = upload.bytes[Symbol.asyncIterator]();
    await reader.next();
    throw new HttpProblem('duplicate_column', 'refused after the first piece');
  });
  // As POST /v1/jobs?dataset=<unknown>: the upload is opened, a lookup takes
  // a while (the body flows into the decoder meanwhile), then it is refused.
  app.post('/refuse-before-reading', async (req) => {
    await openCsvUpload(req, LIMITS);
    await new Promise((resolve) => setTimeout(resolve, 50));
    throw new HttpProblem('invalid_option', 'refused before reading the body');
  });
  app.post('/read-all', async (req, res) => {
    const upload = await openCsvUpload(req, LIMITS);
    const outcome = (async () => {
      let bytes = 0;
      for await (const piece of upload.bytes) bytes += piece.byteLength;
      return `read ${bytes}`;
    })().catch((error: Error) => `failed: ${error.message}`);
    readerOutcome.push(outcome);
    res.send(await outcome);
  });
  app.use(
    problemErrorHandler(createProcessLogger({ process: 'api', level: 'silent' }), () => undefined),
  );
  server = http.createServer(app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

/** Writes head and body completely (with backpressure), then reads the answer. */
async function writeAllThenRead(path: string, head: string, body: Buffer): Promise<string> {
  const socket = connect(Number(new URL(url).port), '127.0.0.1');
  await once(socket, 'connect');
  let received = '';
  socket.on('data', (d: Buffer) => {
    received += d.toString('latin1');
  });
  const failed = new Promise<never>((_, reject) => socket.once('error', reject));
  try {
    const write = async (piece: Buffer | string) => {
      if (!socket.write(piece)) await Promise.race([once(socket, 'drain'), failed]);
    };
    await write(
      `POST ${path} HTTP/1.1\r\nhost: x\r\n${head}content-length: ${body.length}\r\n\r\n`,
    );
    for (let at = 0; at < body.length; at += 64 * 1024)
      await write(body.subarray(at, at + 64 * 1024));
    await Promise.race([
      new Promise<void>((resolve) =>
        socket.on('data', () => {
          if (/\r\n\r\n[\s\S]*\}$/.test(received)) resolve();
        }),
      ),
      failed,
    ]);
    return received;
  } finally {
    socket.destroy();
  }
}

describe('openCsvUpload and a refusal', () => {
  for (const [kind, head, wrap] of [
    ['text/csv', 'content-type: text/csv\r\n', (b: Buffer) => b],
    [
      'multipart',
      'content-type: multipart/form-data; boundary=b\r\n',
      (b: Buffer) =>
        Buffer.concat([
          Buffer.from(
            '--b\r\ncontent-disposition: form-data; name="file"; filename="a.csv"\r\n\r\n',
          ),
          b,
          Buffer.from('\r\n--b--\r\n'),
        ]),
    ],
  ] as const) {
    it(`answers a ${kind} client that writes 16 MB before reading, though the reader was left open`, async () => {
      const body = wrap(Buffer.alloc(16 * 1024 * 1024, 'a,b\n'));
      const answer = await writeAllThenRead('/refuse-after-first-piece', head, body);
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(answer).toContain('"code":"duplicate_column"');
    });
  }

  it('fails the reader when the client goes away mid-upload', async () => {
    for (const head of [
      'content-type: text/csv\r\n',
      'content-type: multipart/form-data; boundary=b\r\n',
    ]) {
      const before = readerOutcome.length;
      const socket = connect(Number(new URL(url).port), '127.0.0.1');
      await once(socket, 'connect');
      socket.write(
        `POST /read-all HTTP/1.1\r\nhost: x\r\n${head}content-length: 1000000\r\n\r\n` +
          '--b\r\ncontent-disposition: form-data; name="file"; filename="a.csv"\r\n\r\na,b\n',
      );
      await expect.poll(() => readerOutcome.length).toBe(before + 1);
      socket.destroy();
      expect(await readerOutcome[before]).toMatch(/^failed: /);
    }
  });
});

describe('a compressed body nobody reads', () => {
  it('failing to decode after a refusal (corrupt gzip) is no crash: the refusal is answered', async () => {
    for (let i = 0; i < 3; i++) {
      const answer = await writeAllThenRead(
        '/refuse-before-reading',
        'content-type: text/csv\r\ncontent-encoding: gzip\r\n',
        Buffer.alloc(256 * 1024, 'not gzip at all\n'),
      );
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(answer).toContain('"code":"invalid_option"');
    }
  });
});
