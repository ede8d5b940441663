// GET /v1/jobs/{id}/events: server-sent events of a job's progress, served
// by any API instance. Stack A takes the uploads (its workers are started
// only when a test wants the job to run) and beats every 300 ms; stack B, on
// the same queues, takes no uploads and has no workers, and its heartbeat (which also
// re-reads the watched jobs) is 10 minutes away: everything its clients get
// within a test comes through Redis from the worker or from A.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobBody, submitCsv } from '../support/client.ts';
import { CONTACT_HEADER, contactRow } from '../support/generate-contacts.ts';
import { openEvents, type SseConnection, type SseItem } from '../support/sse.ts';
import { type Stack, startStack } from '../support/stack.ts';

const PREFIX = '{e2e-job-events}';
let a: Stack;
let b: Stack;

beforeAll(async () => {
  const env = { CHUNK_BYTES: '16KB' };
  [a, b] = await Promise.all([
    startStack({
      queuePrefix: PREFIX,
      workers: 0,
      env: { ...env, SSE_HEARTBEAT_MS: '300' },
      // One chunk at a time: the job moves in many small steps.
      workerEnv: { WORKER_CONCURRENCY: '1' },
    }),
    startStack({
      queuePrefix: PREFIX,
      workers: 0,
      env: { ...env, SSE_HEARTBEAT_MS: '600000', SSE_MAX_STREAMS: '3' },
    }),
  ]);
});

afterAll(async () => {
  const codes = [...((await a?.stop()) ?? []), ...((await b?.stop()) ?? [])];
  expect(codes).toEqual(codes.map(() => 0));
});

const contacts = (rows: number) =>
  `${CONTACT_HEADER}\n${Array.from({ length: rows }, (_, i) => contactRow(i + 1)).join('\n')}\n`;

type Event = Extract<SseItem, { type: 'event' }>;
const events = (items: SseItem[]) => items.filter((i): i is Event => i.type === 'event');

interface ProgressData {
  status: string;
  chunksDone: number;
  chunksTotal: number;
  percent: number;
  counts: JobBody['counts'] & { rowsProcessed: number };
}

/** The next event (skipping comments and retry hints), or undefined at the end of the stream. */
async function nextEvent(stream: SseConnection): Promise<Event | undefined> {
  for (;;) {
    const item = await stream.next();
    if (item === undefined || item.type === 'event') return item;
  }
}

async function jobBody(apiUrl: string, id: string) {
  const res = await fetch(`${apiUrl}/v1/jobs/${id}`, { headers: { 'cache-control': 'no-cache' } });
  expect(res.status).toBe(200);
  return (await res.json()) as JobBody & { progress: { chunksTotal: number } };
}

/** The parts of a job view that do not depend on which instance (its links) answered. */
const portable = (job: object) => {
  const { links: _links, ...rest } = job as Record<string, unknown>;
  return rest;
};

// Everything here takes seconds: a stream waiting for an announcement that
// never comes fails in a minute, not at the project's 5.
describe('GET /v1/jobs/{id}/events', { timeout: 60_000 }, () => {
  it('answers 404 problem+json job_not_found for an unknown job or an id that is no UUID', async () => {
    for (const id of [randomUUID(), 'not-a-uuid']) {
      const stream = await openEvents(`${a.apiUrl}/v1/jobs/${id}/events`);
      expect(stream.status).toBe(404);
      expect(stream.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(await stream.text())).toMatchObject({ code: 'job_not_found' });
    }
  });

  it("ends a cancelled job's stream with one cancelled event, also on the instance that did not cancel it", async () => {
    const job = await submitCsv(a.apiUrl, contacts(2_000));
    const stream = await openEvents(`${b.apiUrl}/v1/jobs/${job.id}/events`);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(await stream.next()).toEqual({ type: 'retry', ms: 3000 });
    const first = await nextEvent(stream);
    expect(first).toMatchObject({ event: 'progress', id: '0' });
    expect(JSON.parse(first?.data ?? '')).toMatchObject({ status: 'queued', chunksDone: 0 });

    const cancel = await fetch(`${a.apiUrl}/v1/jobs/${job.id}/cancel`, { method: 'POST' });
    expect(cancel.status).toBe(200);
    const rest = events(await stream.rest());
    expect(rest.map((e) => e.event)).toEqual(['cancelled']);
    const final = JSON.parse(rest[0]?.data ?? '') as Record<string, unknown>;
    expect(final.status).toBe('cancelled');
    expect(portable(final)).toEqual(portable(await jobBody(a.apiUrl, job.id)));
    expect(rest[0]?.id).toBe(String((await jobBody(a.apiUrl, job.id)).progress.chunksTotal + 1));
  });

  it('refuses streams beyond SSE_MAX_STREAMS with 429 too_many_event_streams, and takes one again once one closes', async () => {
    const job = await submitCsv(a.apiUrl, contacts(100));
    const url = `${b.apiUrl}/v1/jobs/${job.id}/events`;
    const open = await Promise.all([openEvents(url), openEvents(url), openEvents(url)]);
    expect(open.map((s) => s.status)).toEqual([200, 200, 200]);
    const refused = await openEvents(url);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(JSON.parse(await refused.text())).toMatchObject({ code: 'too_many_event_streams' });

    open.pop()?.close();
    let again: SseConnection | undefined;
    for (let i = 0; i < 50 && again === undefined; i++) {
      const attempt = await openEvents(url);
      if (attempt.status === 200) again = attempt;
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(again?.status).toBe(200);
    again?.close();
    for (const s of open) s.close();
    expect((await fetch(`${a.apiUrl}/v1/jobs/${job.id}/cancel`, { method: 'POST' })).status).toBe(
      200,
    );
  });

  it('streams progress with increasing ids and one completed event to clients of either instance; Last-Event-ID resumes; heartbeats; gzip clients get each event at once', async () => {
    const submitted = await submitCsv(a.apiUrl, contacts(4_000));
    const chunksTotal = (await jobBody(a.apiUrl, submitted.id)).progress.chunksTotal;
    expect(chunksTotal).toBeGreaterThan(5);
    const url = (stack: Stack) => `${stack.apiUrl}/v1/jobs/${submitted.id}/events`;

    // No worker yet: the job stays queued. A client asking for gzip gets the
    // progress so far at once (a compressed stream would hold it back).
    const whole = await openEvents(url(b), { 'accept-encoding': 'gzip, br' });
    expect(whole.status).toBe(200);
    expect(whole.headers['content-encoding']).toBeUndefined();
    const first = await nextEvent(whole);
    expect(first).toMatchObject({ event: 'progress', id: '0' });
    expect(JSON.parse(first?.data ?? '')).toMatchObject({
      status: 'queued',
      chunksDone: 0,
      chunksTotal,
      percent: 0,
      counts: { rowsTotal: 4_000, rowsProcessed: 0 },
    });
    // A reconnecting client that had seen 2 chunks done: nothing before that again.
    const resumed = await openEvents(url(b), { 'last-event-id': '2' });
    expect(resumed.status).toBe(200);
    // Heartbeats (A's SSE_HEARTBEAT_MS is 300).
    const beating = await openEvents(url(a));
    let item = await beating.next();
    while (item?.type !== 'comment') item = await beating.next();
    expect(item).toEqual({ type: 'comment', text: 'keep-alive' });
    beating.close();

    await a.addWorker();
    const [wholeRest, resumedRest] = await Promise.all([whole.rest(), resumed.rest()]);
    const seen = [first as Event, ...events(wholeRest)];
    const final = seen.at(-1);
    expect(final?.event).toBe('completed');
    expect(seen.filter((e) => e.event !== 'progress')).toHaveLength(1);
    const progress = seen.slice(0, -1);
    expect(progress.every((e) => e.event === 'progress')).toBe(true);
    // Chunks committed one by one, announced through Redis: more than the first reading.
    expect(progress.length).toBeGreaterThan(1);
    const ids = seen.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.at(-1)).toBe(chunksTotal + 1);
    for (const e of progress) {
      const data = JSON.parse(e.data) as ProgressData;
      expect(data.chunksDone).toBe(Number(e.id));
      expect(data.chunksTotal).toBe(chunksTotal);
      expect(data.percent).toBe(Math.floor((100 * data.chunksDone) / chunksTotal));
      expect(['queued', 'running']).toContain(data.status);
    }
    const job = await jobBody(a.apiUrl, submitted.id);
    expect(job.status).toBe('completed');
    const finalData = JSON.parse(final?.data ?? '') as Record<string, unknown>;
    expect(portable(finalData)).toEqual(portable(job));
    expect(finalData.counts).toMatchObject({ rowsTotal: 4_000, rowsProcessed: 4_000 });

    // The resumed client got the same readings, less what it had already seen.
    expect(events(resumedRest)).toEqual(seen.filter((e) => Number(e.id) > 2));
  });

  it('gives a job already final its final event at once, and 204 to a client that has it', async () => {
    const submitted = await submitCsv(a.apiUrl, contacts(300));
    const watching = await openEvents(`${a.apiUrl}/v1/jobs/${submitted.id}/events`);
    await watching.rest();
    const job = await jobBody(a.apiUrl, submitted.id);
    expect(job.status).toBe('completed');
    const finalId = String(job.progress.chunksTotal + 1);

    for (const stack of [a, b]) {
      const stream = await openEvents(`${stack.apiUrl}/v1/jobs/${submitted.id}/events`);
      const all = events(await stream.rest());
      expect(all.map((e) => [e.event, e.id])).toEqual([['completed', finalId]]);
      expect(portable(JSON.parse(all[0]?.data ?? ''))).toEqual(portable(job));

      const resumed = await openEvents(`${stack.apiUrl}/v1/jobs/${submitted.id}/events`, {
        'last-event-id': '0',
      });
      expect(events(await resumed.rest()).map((e) => e.event)).toEqual(['completed']);
      const done = await openEvents(`${stack.apiUrl}/v1/jobs/${submitted.id}/events`, {
        'last-event-id': finalId,
      });
      expect(done.status).toBe(204);
      expect(await done.text()).toBe('');
    }
  });

  it('ends open streams when the API shuts down, which exits 0 without waiting for them', async () => {
    const c = await startStack({ queuePrefix: '{e2e-job-events-stop}', workers: 0 });
    let stopped = false;
    try {
      const job = await submitCsv(c.apiUrl, contacts(100));
      const stream = await openEvents(`${c.apiUrl}/v1/jobs/${job.id}/events`);
      expect((await nextEvent(stream))?.event).toBe('progress');
      stopped = true;
      const [codes, rest] = await Promise.all([c.stop(), stream.rest()]);
      expect(codes).toEqual([0]);
      expect(events(rest)).toEqual([]);
    } finally {
      if (!stopped) await c.stop();
    }
  });
});
