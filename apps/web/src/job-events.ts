import type { JobProgressEventBody } from '@sluice/contract';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { api, type JobBody } from './api.ts';

/** A `progress` event's data: the job's status, progress and counts. */
export type ProgressEvent = JobProgressEventBody;

const FINAL_EVENTS = ['completed', 'failed', 'cancelled'];
const MAX_SILENT_RECONNECTS = 5;

/**
 * Follows GET /v1/jobs/{id}/events until the job's final event. EventSource
 * cannot send an Authorization header: this reads the stream with fetch and
 * parses it (eventsource-parser), reopening a broken stream with
 * Last-Event-ID; a 204 (the final event was had) reads the job instead.
 */
export async function followJob(
  jobId: string,
  onProgress: (event: ProgressEvent) => void,
  signal: AbortSignal,
): Promise<JobBody> {
  const path = `/v1/jobs/${encodeURIComponent(jobId)}`;
  let lastEventId: string | undefined;
  let silent = 0;
  for (;;) {
    let final: JobBody | undefined;
    let got = false;
    try {
      const res = await api(`${path}/events`, {
        headers: {
          accept: 'text/event-stream',
          ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
        },
        signal,
      });
      if (res.status === 204) return (await (await api(path, { signal })).json()) as JobBody;
      const parser = createParser({
        onEvent: (event: EventSourceMessage) => {
          if (event.id !== undefined) lastEventId = event.id;
          if (event.event === 'progress') onProgress(JSON.parse(event.data) as ProgressEvent);
          else if (FINAL_EVENTS.includes(event.event ?? ''))
            final = JSON.parse(event.data) as JobBody;
        },
      });
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        got = true;
        parser.feed(value);
        if (final) {
          await reader.cancel();
          return final;
        }
      }
    } catch (error) {
      if (signal.aborted || (error as { status?: number }).status) throw error;
      // The stream broke: reopen it below with Last-Event-ID.
    }
    silent = got ? 0 : silent + 1;
    if (silent > MAX_SILENT_RECONNECTS) throw new Error('The job’s event stream keeps ending.');
    await new Promise((resolve) => setTimeout(resolve, got ? 0 : 2000));
  }
}
