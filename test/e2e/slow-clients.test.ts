import { type ClientRequest, request } from 'node:http';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { authHeader } from '../support/api-keys.ts';
import { getText, submitCsv, waitForJob } from '../support/client.ts';
import { CONTACT_HEADER, contactRow } from '../support/generate-contacts.ts';
import { type Stack, startStack } from '../support/stack.ts';

// A slow client must cost the API a socket and an upload slot, never a
// database connection: the upload is stored in short transactions as it
// arrives. Each client address gets a few upload slots (429 beyond them), and
// a body that trickles below the minimum rate is cut off with 408.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const stacks: Stack[] = [];
afterAll(async () => {
  for (const stack of stacks) expect(await stack.stop()).toEqual([0, 0]);
});

/** About `bytes` of contacts rows after the header. */
function contactsPrefix(bytes: number, seed: number): string {
  let text = `${CONTACT_HEADER}\n`;
  for (let i = 1; text.length < bytes; i++) text += `${contactRow(i, seed)}\n`;
  return text;
}

interface SlowUpload {
  req: ClientRequest;
  response: Promise<{ status: number; body: string }>;
  stop(): void;
}

/**
 * An upload from `localAddress` (any 127.0.0.x is this machine) that sends
 * `prefix` and then 4 bytes every `everyMs`, until stopped.
 */
function slowUpload(apiUrl: string, localAddress: string, prefix: string, everyMs: number) {
  const req = request(`${apiUrl}/v1/jobs?filename=slow.csv`, {
    method: 'POST',
    localAddress,
    headers: {
      ...authHeader(apiUrl),
      'content-type': 'text/csv',
      'transfer-encoding': 'chunked',
    },
  });
  const response = new Promise<{ status: number; body: string }>((resolve) => {
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    // Cut off by us (stop) or by the server: no answer.
    req.on('error', () => resolve({ status: 0, body: '' }));
  });
  req.write(prefix);
  let row = 10_000;
  const timer = setInterval(() => {
    if (!req.destroyed) req.write(`${row++},`.slice(0, 4));
  }, everyMs);
  return {
    req,
    response,
    stop() {
      clearInterval(timer);
      req.destroy();
    },
  } satisfies SlowUpload;
}

async function receivingJobs(): Promise<number> {
  const client = new pg.Client({ connectionString: inject('databaseUrl') });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      // This file's uploads only: other files share the database.
      "select count(*)::int as n from jobs where status = 'receiving' and file_name = 'slow.csv'",
    );
    return rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms: number) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) return value;
    await sleep(200);
  }
}

describe('slow clients', () => {
  it('50 trickling uploads hold no database connection: submissions and readiness go on', async () => {
    // The defaults: a 10-connection pool, 8 uploads per client address.
    const stack = await startStack({
      queuePrefix: '{e2e-slow}',
      env: { CHUNK_BYTES: '16KB', DATABASE_POOL_SIZE: '10' },
    });
    stacks.push(stack);
    const slow: SlowUpload[] = [];
    try {
      // 50 uploads from 7 addresses (8 slots each), each 70 KiB and then a trickle.
      for (let i = 0; i < 50; i++) {
        const address = `127.0.0.${2 + Math.floor(i / 8)}`;
        slow.push(slowUpload(stack.apiUrl, address, contactsPrefix(70 * 1024, i + 1), 500));
      }
      // Every one of them is storing (receiving) before the rest of the test.
      expect(await eventually(receivingJobs, (n) => n >= 50, 30_000)).toBeGreaterThanOrEqual(50);

      // A ninth upload from a busy address is refused at once...
      const ninth = slowUpload(stack.apiUrl, '127.0.0.2', contactsPrefix(1024, 99), 500);
      const refused = await ninth.response;
      ninth.stop();
      expect(refused.status, refused.body).toBe(429);
      expect(JSON.parse(refused.body)).toMatchObject({
        code: 'too_many_uploads',
        scope: 'client',
        limit: 8,
      });

      // ...while everyone else is served as if nothing were going on.
      for (let i = 0; i < 5; i++) {
        const ready = await getText(`${stack.apiUrl}/health/ready`);
        expect(ready.status, ready.body).toBe(200);
        const job = await submitCsv(stack.apiUrl, contactsPrefix(2_000, 100 + i));
        expect((await waitForJob(stack.apiUrl, job.id)).status).toBe('completed');
      }
      expect(slow.every((u) => !u.req.destroyed)).toBe(true);
    } finally {
      for (const u of slow) u.stop();
    }
    // Clients that went away leave nothing behind: each upload was withdrawn.
    expect(await eventually(receivingJobs, (n) => n === 0, 15_000)).toBe(0);
  });

  it('a body trickling below the minimum rate is cut off with 408, and nothing of it is kept', async () => {
    const stack = await startStack({
      queuePrefix: '{e2e-slow-rate}',
      env: {
        CHUNK_BYTES: '16KB',
        UPLOAD_MIN_BYTES_PER_SECOND: '1024',
        UPLOAD_RATE_WINDOW_MS: '2000',
      },
    });
    stacks.push(stack);
    const upload = slowUpload(stack.apiUrl, '127.0.0.1', contactsPrefix(40 * 1024, 7), 250);
    try {
      const answer = await Promise.race([
        upload.response,
        sleep(20_000).then(() => ({ status: -1, body: 'no answer within 20 s' })),
      ]);
      expect(answer.status, answer.body).toBe(408);
      expect(JSON.parse(answer.body)).toMatchObject({
        code: 'upload_too_slow',
        minBytesPerSecond: 1024,
      });
    } finally {
      upload.stop();
    }
    expect(await eventually(receivingJobs, (n) => n === 0, 15_000)).toBe(0);
    // A steady upload on the same settings passes.
    const job = await submitCsv(stack.apiUrl, contactsPrefix(200_000, 8));
    expect((await waitForJob(stack.apiUrl, job.id)).status).toBe('completed');
  });
});
