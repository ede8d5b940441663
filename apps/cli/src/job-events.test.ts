import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client.ts';
import { type JobEvent, jobEvents } from './job-events.ts';

/**
 * The client side of GET /v1/jobs/{id}/events against a small HTTP server
 * that plays the API's part of the protocol (README, "Job events"): a stream
 * that breaks is reopened with Last-Event-ID, and nothing is seen twice.
 */
const JOB_ID = '0b7e2f7c-3f57-4d0e-9a6f-1b1ad1a0c2d4';

function job(status: string, chunksDone: number) {
  return {
    id: JOB_ID,
    type: 'normalize',
    status,
    fileName: 'a.csv',
    createdAt: '2026-12-02T15:04:05.000Z',
    startedAt: null,
    finishedAt: null,
    progress: { chunksTotal: 3, chunksDone, percent: Math.round((chunksDone * 100) / 3) },
    counts: {
      bytes: 10,
      rowsTotal: 3,
      rowsProcessed: chunksDone,
      rowsAccepted: chunksDone,
      rowsRejected: 0,
      rowsBlank: 0,
      errors: 0,
      errorsStored: 0,
      errorsTruncated: false,
    },
    columns: [],
    options: {
      phoneRegion: 'US',
      timeZone: 'UTC',
      dialect: {
        encoding: 'utf-8',
        encodingSource: 'ascii',
        delimiter: ',',
        delimiterSource: 'detected',
        delimiterConfidence: 1,
      },
    },
    error: null,
    errorCode: null,
    links: {
      self: `http://x/v1/jobs/${JOB_ID}`,
      result: `http://x/v1/jobs/${JOB_ID}/result.csv`,
      errors: `http://x/v1/jobs/${JOB_ID}/errors.csv`,
    },
  };
}

const progress = (done: number) => {
  const { status, progress: p, counts } = job('running', done);
  return `id: ${done}\nevent: progress\ndata: ${JSON.stringify({ status, ...p, counts })}\n\n`;
};

let server: Server | undefined;
afterEach(
  () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
);

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return new ApiClient({
    url: `http://127.0.0.1:${port}`,
    apiKey: 'slc_test',
    sources: { url: 'flag', apiKey: 'flag' },
  });
}

async function collect(client: ApiClient): Promise<JobEvent[]> {
  const events: JobEvent[] = [];
  for await (const event of jobEvents(client, JOB_ID, new AbortController().signal)) {
    events.push(event);
  }
  return events;
}

describe('jobEvents', () => {
  it('reopens a broken stream with Last-Event-ID and sees each event once', async () => {
    const lastEventIds: Array<string | undefined> = [];
    const client = await serve((req, res) => {
      lastEventIds.push(req.headers['last-event-id'] as string | undefined);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (lastEventIds.length === 1) {
        // Two progress events, then the connection drops (an API instance going away).
        res.write('retry: 10\n\n');
        res.write(progress(1));
        res.write(progress(2));
        setTimeout(() => res.destroy(), 50);
        return;
      }
      res.write(progress(3));
      res.end(`id: 4\nevent: completed\ndata: ${JSON.stringify(job('completed', 3))}\n\n`);
    });
    const events = await collect(client);
    expect(lastEventIds).toEqual([undefined, '2']);
    expect(events.map((e) => [e.type, e.id])).toEqual([
      ['progress', '1'],
      ['progress', '2'],
      ['progress', '3'],
      ['final', '4'],
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'final', job: { status: 'completed' } });
  });

  it('204 after a reconnect (the final event was had): the job is read instead', async () => {
    let requests = 0;
    const client = await serve((req, res) => {
      requests++;
      if (req.url?.endsWith('/events')) {
        if (requests === 1) {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write('retry: 10\n\n');
          res.write(progress(3));
          setTimeout(() => res.destroy(), 50);
        } else {
          res.writeHead(204).end();
        }
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(job('completed', 3)));
    });
    const events = await collect(client);
    expect(events.map((e) => e.type)).toEqual(['progress', 'final']);
    expect(events[1]).toMatchObject({ job: { status: 'completed' } });
  });
});

describe('ApiClient', () => {
  it('sends a POST again after a lost connection with the same Idempotency-Key', async () => {
    const keys: string[] = [];
    const client = await serve((req, res) => {
      keys.push(req.headers['idempotency-key'] as string);
      // The first answer is lost: the connection drops before it.
      if (keys.length === 1) return void req.socket.destroy();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(job('cancelled', 1)));
    });
    const res = await client.request('POST', `/v1/jobs/${JOB_ID}/cancel`);
    expect(res.status).toBe(200);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
  });
});
