import {
  type JobBody,
  type JobProgressEventBody,
  jobProgressEventSchema,
  jobSchema,
} from '@sluice/contract';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { type ApiClient, parseAnswer } from './api-client.ts';
import { CliError, EXIT } from './exit-codes.ts';
import { sleep, unreachableError } from './problems.ts';

/** A `progress` event's data (GET /v1/jobs/{id}/events): the job's status, progress and counts. */
export type ProgressEvent = JobProgressEventBody;

export type JobEvent =
  | { type: 'progress'; id: string | undefined; data: ProgressEvent }
  | { type: 'final'; id: string | undefined; job: JobBody };

/** Reconnections in a row that got nothing before giving up (the API is gone). */
const MAX_SILENT_RECONNECTS = 5;

/**
 * The job's events until its final one. A stream that breaks (network, an
 * API instance shutting down) is reopened with `Last-Event-ID`, so nothing is
 * seen twice and nothing is missed; 204 means the final event was already
 * had, and the job itself is read instead.
 */
export async function* jobEvents(
  client: ApiClient,
  jobId: string,
  signal: AbortSignal,
): AsyncGenerator<JobEvent> {
  const path = `/v1/jobs/${encodeURIComponent(jobId)}/events`;
  let lastEventId: string | undefined;
  let retryMs = 3000;
  let silentReconnects = 0;
  for (;;) {
    const pending: EventSourceMessage[] = [];
    const parser = createParser({
      onEvent: (event) => pending.push(event),
      onRetry: (ms) => {
        retryMs = Math.min(ms, 10_000);
      },
    });
    let gotSomething = false;
    try {
      const res = await client.request('GET', path, {
        accept: 'text/event-stream',
        headers: lastEventId === undefined ? {} : { 'last-event-id': lastEventId },
        signal,
      });
      if (res.status === 204) {
        const job = await client.json(jobSchema, 'GET', `/v1/jobs/${encodeURIComponent(jobId)}`, {
          signal,
        });
        yield { type: 'final', id: lastEventId, job };
        return;
      }
      const decoder = new TextDecoder();
      for await (const piece of res.body ?? []) {
        gotSomething = true;
        parser.feed(decoder.decode(piece as Uint8Array, { stream: true }));
        while (pending.length > 0) {
          const event = pending.shift()!;
          if (event.id !== undefined) lastEventId = event.id;
          const data: unknown = JSON.parse(event.data);
          if (event.event === 'progress') {
            yield {
              type: 'progress',
              id: event.id,
              data: parseAnswer(jobProgressEventSchema, data, `${path} (progress)`),
            };
          } else if (['completed', 'failed', 'cancelled'].includes(event.event ?? '')) {
            yield {
              type: 'final',
              id: event.id,
              job: parseAnswer(jobSchema, data, `${path} (${event.event})`),
            };
            return;
          }
        }
      }
    } catch (error) {
      if (signal.aborted || error instanceof CliError) throw error;
      // The stream broke mid-way: reconnect below with Last-Event-ID.
      if (silentReconnects >= MAX_SILENT_RECONNECTS)
        throw unreachableError(client.config.url, error);
    }
    silentReconnects = gotSomething ? 0 : silentReconnects + 1;
    if (silentReconnects > MAX_SILENT_RECONNECTS) {
      throw new CliError(
        `the event stream of job ${jobId} keeps ending without news`,
        EXIT.unreachable,
        'unreachable',
      );
    }
    await sleep(gotSomething ? 0 : retryMs, signal);
  }
}
