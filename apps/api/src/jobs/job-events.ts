import type { JobProgressEventBody } from '@sluice/contract';
import { type Database, getJob, type JobView } from '@sluice/db';
import type { Logger } from '@sluice/lifecycle';
import type { JobChangeListener } from '@sluice/queue';
import type { Request, Response } from 'express';
import type { Kysely } from 'kysely';
import { HttpProblem } from '../http/problem.ts';
import {
  formatEvent,
  HEARTBEAT,
  type Plan,
  parseLastEventId,
  planEvents,
  retryHint,
} from './event-stream.ts';
import { presentJob } from './job-view.ts';

export interface JobEventsDeps {
  db: Kysely<Database>;
  /** The process' one subscriber to job changes (@sluice/queue), shared by every stream. */
  listener: JobChangeListener;
  /** Announces a job's change to every API instance (publishJobChange). */
  publish: (jobId: string) => Promise<void>;
  logger: Logger;
  /** A comment on every stream this often; each tick also re-reads every watched job. */
  heartbeatMs: number;
  /** Streams open at once in this process; more get 429 too_many_event_streams. */
  maxStreams: number;
}

/** How long a client whose stream broke waits before reconnecting (`retry:`). */
const RETRY_MS = 3_000;
/** Waiting longer than this for Redis to confirm a subscription, the stream starts anyway (heartbeat reads cover it). */
const SUBSCRIBE_WAIT_MS = 2_000;
/** A client that reads nothing while this much is queued for it is cut off. */
const MAX_UNREAD_BYTES = 1024 * 1024;

interface Stream {
  res: Response;
  baseUrl: string;
  cursor: number | undefined;
  /** Headers sent, the first reading delivered: readings of the watch may deliver. */
  started: boolean;
}

/**
 * The streams of one job in this process, and the one reading of it at a
 * time. Per tenant: a job is read as its tenant's (a stream of another
 * tenant's key never shares the reading of a job it may not see).
 */
interface Watch {
  tenantId: string;
  jobId: string;
  streams: Set<Stream>;
  unwatch: () => void;
  reading: boolean;
  readAgain: boolean;
}

/**
 * Server-sent events of jobs' progress. One subscriber per process (the
 * listener) hears "job X changed" from workers and other API instances; a
 * change wakes the job's watch, which reads the job from PostgreSQL once and
 * gives each of its streams the events it has not had (event-stream.ts).
 * PostgreSQL is the truth: a stream's first events come from a reading made
 * after its subscription is in place, and every heartbeat reads again, so a
 * notification Redis lost only delays an event, never loses the final one.
 */
export function createJobEvents(deps: JobEventsDeps) {
  const watches = new Map<string, Watch>();
  let open = 0;
  let closing = false;

  function write(stream: Stream, text: string): void {
    if (stream.res.writableEnded) return;
    stream.res.write(text);
    if (stream.res.writableLength > MAX_UNREAD_BYTES) stream.res.destroy();
  }

  function deliver(stream: Stream, job: JobView | undefined): boolean {
    // Deleted while watched: nothing more will happen to it.
    if (!job) {
      stream.res.end();
      return true;
    }
    const plan: Plan = planEvents(job, stream.cursor);
    if (plan.events.length > 0) {
      const view = presentJob(job, stream.baseUrl);
      for (const event of plan.events) {
        const progress: JobProgressEventBody = {
          status: view.status,
          ...view.progress,
          counts: view.counts,
        };
        const data = event.kind === 'final' ? view : progress;
        write(
          stream,
          formatEvent({
            id: event.id,
            event: event.kind === 'final' ? view.status : 'progress',
            data,
          }),
        );
      }
    }
    stream.cursor = plan.cursor;
    if (plan.end) stream.res.end();
    return plan.end;
  }

  /** Reads the job once for all its streams; a change during the reading reads again after it. */
  async function refresh(key: string): Promise<void> {
    const watch = watches.get(key);
    if (!watch) return;
    const { tenantId, jobId } = watch;
    if (watch.reading) {
      watch.readAgain = true;
      return;
    }
    watch.reading = true;
    try {
      do {
        watch.readAgain = false;
        const job = await getJob(deps.db, tenantId, jobId);
        for (const stream of watch.streams) {
          if (stream.started) deliver(stream, job);
        }
      } while (watch.readAgain && watches.get(key) === watch);
    } catch (err) {
      // The next change or heartbeat reads again.
      deps.logger.warn({ err, jobId }, 'could not read a watched job for its event streams');
    } finally {
      watch.reading = false;
    }
  }

  function attach(
    tenantId: string,
    jobId: string,
    stream: Stream,
  ): { subscribed: Promise<void>; detach: () => void } {
    const key = `${tenantId}:${jobId}`;
    let watch = watches.get(key);
    let subscribed = Promise.resolve();
    if (!watch) {
      const listening = deps.listener.watch(jobId, () => void refresh(key));
      subscribed = listening.subscribed;
      watch = {
        tenantId,
        jobId,
        streams: new Set(),
        unwatch: listening.unwatch,
        reading: false,
        readAgain: false,
      };
      watches.set(key, watch);
    }
    const mine = watch;
    mine.streams.add(stream);
    open += 1;
    let attached = true;
    return {
      subscribed,
      detach() {
        if (!attached) return;
        attached = false;
        open -= 1;
        mine.streams.delete(stream);
        if (mine.streams.size === 0 && watches.get(key) === mine) {
          watches.delete(key);
          mine.unwatch();
        }
      },
    };
  }

  function startStream(res: Response): void {
    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    // no-transform: neither our compression nor a proxy's may hold events back.
    res.setHeader('cache-control', 'no-cache, no-transform');
    // nginx and its kin pass each event on at once instead of buffering it.
    res.setHeader('x-accel-buffering', 'no');
    res.write(retryHint(RETRY_MS));
  }

  const heartbeat = setInterval(() => {
    for (const [key, watch] of watches) {
      for (const stream of watch.streams) if (stream.started) write(stream, HEARTBEAT);
      void refresh(key);
    }
  }, deps.heartbeatMs);
  heartbeat.unref();

  return {
    /**
     * GET /v1/jobs/{id}/events for a job id (lower-case UUID). Resolves
     * false, having sent nothing, when there is no such job.
     */
    async open(
      req: Request,
      res: Response,
      tenantId: string,
      jobId: string,
      baseUrl: string,
    ): Promise<boolean> {
      if (closing) {
        // Shutting down: an empty stream; the client reconnects to another instance.
        startStream(res);
        res.end();
        return true;
      }
      if (open >= deps.maxStreams) {
        throw new HttpProblem(
          'too_many_event_streams',
          `This server has ${deps.maxStreams} event streams open; try again shortly, or poll GET /v1/jobs/{id}.`,
          { headers: { 'retry-after': '5' }, extra: { limit: deps.maxStreams } },
        );
      }
      const stream: Stream = {
        res,
        baseUrl,
        cursor: parseLastEventId(req.get('last-event-id')),
        started: false,
      };
      // Subscribed before the first reading: a change after that reading is heard.
      const { subscribed, detach } = attach(tenantId, jobId, stream);
      res.once('close', detach);
      res.once('finish', detach);
      let job: JobView | undefined;
      try {
        await Promise.race([
          subscribed,
          new Promise((r) => setTimeout(r, SUBSCRIBE_WAIT_MS).unref()),
        ]);
        job = await getJob(deps.db, tenantId, jobId);
      } catch (err) {
        detach();
        throw err;
      }
      if (!job) {
        detach();
        return false;
      }
      // The client left while the job was read.
      if (res.destroyed) return true;
      // Before the first event: already final and the client has its final
      // event, so it must not reconnect: 204 is what stops an EventSource.
      const plan = planEvents(job, stream.cursor);
      if (plan.end && plan.events.length === 0) {
        detach();
        res.status(204).end();
        return true;
      }
      startStream(res);
      stream.started = true;
      deliver(stream, job);
      return true;
    },

    /** Reads every watched job again (the subscriber reconnected: changes may have been missed). */
    recheck(): void {
      for (const key of watches.keys()) void refresh(key);
    },

    /**
     * A change this process made (cancel, retry, delete): its own streams
     * read it now, other instances hear of it through Redis. Never throws:
     * their heartbeat reading catches up if Redis missed it.
     */
    changed(jobId: string): void {
      for (const [key, watch] of watches) if (watch.jobId === jobId) void refresh(key);
      deps
        .publish(jobId)
        .catch((err: unknown) =>
          deps.logger.debug({ err, jobId }, 'could not announce a job change'),
        );
    },

    /**
     * Shutdown: every stream ends now (a client reconnects, with its
     * Last-Event-ID, to another instance), so that the server's close does
     * not wait for them.
     */
    async close(): Promise<void> {
      closing = true;
      clearInterval(heartbeat);
      for (const watch of watches.values()) {
        for (const stream of watch.streams) stream.res.end();
      }
      await deps.listener.close();
    },
  };
}

export type JobEvents = ReturnType<typeof createJobEvents>;
