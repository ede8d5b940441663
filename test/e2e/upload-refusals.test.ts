import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RawResponse, WriteFirstClient } from '../support/raw-http.ts';
import { type Stack, startStack } from '../support/stack.ts';

// An upload refused after its body started (a bad header line, an oversized
// record) must still be answered to a client that writes its whole body
// before reading: the API reads the rest of the body (bounded) and then
// answers, instead of stalling the client and resetting the connection.

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    queuePrefix: '{e2e-upload-refusals}',
    env: { MAX_RECORD_BYTES: '64KB' },
  });
});

afterAll(async () => {
  const codes = await stack?.stop();
  expect(codes).toEqual([0, 0]);
});

/** `first` then about `megabytes` MB of well-formed rows, in 64 KiB pieces. */
function* csvBody(first: string, megabytes: number): Generator<string> {
  yield first;
  const piece = 'jane,jane@example.com,+1 415 555 2671\n'.repeat(1724);
  const pieces = Math.ceil((megabytes * 1024 * 1024) / piece.length);
  for (let i = 0; i < pieces; i++) yield piece;
}

function expectProblem(res: RawResponse, status: number, code: string) {
  expect(res.status, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(JSON.parse(res.body)).toMatchObject({ status, code });
}

describe('a refusal after the upload body started', () => {
  const cases: Array<[string, string, string]> = [
    ['duplicate_column', 'name,Name,phone\n', 'a whole 8 MB body with a duplicate column'],
    ['missing_header', 'jane,jane@example.com,+1 415 555 2671\n', 'a body without a header'],
    [
      'record_too_large',
      `name,email,phone\njane,"${'x'.repeat(100 * 1024)}",1\n`,
      'a record over MAX_RECORD_BYTES early in an 8 MB body',
    ],
  ];

  for (const [code, first, what] of cases) {
    it(`answers 400 ${code} to a client that writes ${what} before reading`, async () => {
      const client = await WriteFirstClient.connect(stack.apiUrl);
      try {
        // Chunked: the API cannot know the size up front.
        const res = await client.request(
          'POST',
          `${stack.apiUrl}/v1/jobs`,
          { 'content-type': 'text/csv' },
          csvBody(first, 8),
        );
        expectProblem(res, 400, code);
        // The body was read to its end: the connection serves the next request.
        expect(res.headers.connection).not.toBe('close');
        const next = await client.request('GET', `${stack.apiUrl}/health/live`, {}, []);
        expect(next.status).toBe(200);
      } finally {
        client.close();
      }
    });
  }

  it('answers 400 to a write-first client whose Content-Length body is refused at its header', async () => {
    const pieces = [...csvBody('email,Email\n', 6)];
    const length = pieces.reduce((sum, p) => sum + Buffer.byteLength(p), 0);
    const client = await WriteFirstClient.connect(stack.apiUrl);
    try {
      const res = await client.request(
        'POST',
        `${stack.apiUrl}/v1/jobs?filename=contacts.csv`,
        { 'content-type': 'text/csv', 'content-length': String(length) },
        pieces,
      );
      expectProblem(res, 400, 'duplicate_column');
    } finally {
      client.close();
    }
  });

  it('answers 400 to a write-first client whose multipart file part is refused at its header', async () => {
    const boundary = 'sluice-refusal-boundary';
    const client = await WriteFirstClient.connect(stack.apiUrl);
    try {
      const res = await client.request(
        'POST',
        `${stack.apiUrl}/v1/jobs`,
        { 'content-type': `multipart/form-data; boundary=${boundary}` },
        (function* () {
          yield `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="c.csv"\r\n` +
            'Content-Type: text/csv\r\n\r\n';
          yield* csvBody('name,NAME\n', 8);
          yield `\r\n--${boundary}--\r\n`;
        })(),
      );
      expectProblem(res, 400, 'duplicate_column');
    } finally {
      client.close();
    }
  });
});
