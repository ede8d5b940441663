import { isFinal, type JobStatus } from '@sluice/contract';

/**
 * The pure part of a job's event stream (GET /v1/jobs/{id}/events): which
 * events a reading of the job gives a client that has seen up to `cursor`,
 * and the text/event-stream wire format.
 *
 * Event ids are numbers, monotonic for a job: a `progress` event's id is
 * the number of chunks done (it never goes down), the final event's
 * (`completed`, `failed`, `cancelled`) is chunksTotal + 1, above every
 * progress id. So `Last-Event-ID` says exactly what a client has: later
 * progress only, and the final event unless it has that too.
 */

/** What planEvents needs of a job (a JobView has it). */
export interface JobProgress {
  status: JobStatus;
  chunksDone: number;
  chunksTotal: number;
}

type PlannedEvent = { id: number; kind: 'progress' } | { id: number; kind: 'final' };

export interface Plan {
  events: PlannedEvent[];
  /** The id of the last event the client will have (unchanged when none). */
  cursor: number | undefined;
  /** The stream is over: the final event is sent (or was, before a reconnect). */
  end: boolean;
}

const finalEventId = (job: JobProgress) => job.chunksTotal + 1;

/**
 * The events due for one reading of the job. A job final now gets its final
 * event once; a running one a progress event when more chunks are done than
 * the client has seen (readings that find nothing new give nothing: no
 * duplicates). A cursor at or past the final id while the job is running
 * again means it was retried since the client saw it end: that run's
 * events start over.
 */
export function planEvents(job: JobProgress, cursor: number | undefined): Plan {
  const last = finalEventId(job);
  if (isFinal(job.status)) {
    if (cursor !== undefined && cursor >= last) return { events: [], cursor, end: true };
    return { events: [{ id: last, kind: 'final' }], cursor: last, end: true };
  }
  const seen = cursor !== undefined && cursor >= last ? undefined : cursor;
  if (seen !== undefined && job.chunksDone <= seen) return { events: [], cursor: seen, end: false };
  return {
    events: [{ id: job.chunksDone, kind: 'progress' }],
    cursor: job.chunksDone,
    end: false,
  };
}

/**
 * `Last-Event-ID` as a cursor: a non-negative integer (ours are), else none
 * (an id that is not ours is as good as no id: the stream starts over).
 */
export function parseLastEventId(header: string | undefined): number | undefined {
  if (header === undefined || !/^\s*\d{1,15}\s*$/.test(header)) return undefined;
  return Number(header.trim());
}

/**
 * One event in text/event-stream form. `data` is JSON on a single line
 * (JSON.stringify escapes line breaks inside strings; U+2028/U+2029 are no
 * line breaks to SSE).
 */
export function formatEvent(event: { id: number; event: string; data: unknown }): string {
  return `id: ${event.id}\nevent: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/** A comment line: ignored by clients, keeps proxies from closing an idle connection. */
export const HEARTBEAT = ': keep-alive\n\n';

/** How long a client waits before reconnecting after the stream broke (EventSource's `retry:`). */
export const retryHint = (ms: number) => `retry: ${ms}\n\n`;
