import { DelayedError, type Job, Worker } from 'bullmq';
import { type JobName, type JobPayload, jobCatalog } from './catalog.ts';
import type { RedisConnection } from './connections.ts';

/** What a handler knows about the delivery it is running (besides its payload). */
export interface JobAttempt {
  /** The BullMQ job id (`job-<uuid>`, `chunk-<uuid>-<seq>`), for logs. */
  bullJobId: string;
  /**
   * Aborted when BullMQ could not renew this job's lock: the job is (or will
   * be) handed to another worker, so this attempt should stop early.
   */
  signal: AbortSignal | undefined;
  /** Times this job was handed back (HandBack) before this delivery. */
  handBacks: number;
}

/**
 * Thrown by a handler to put its job back on the queue, delayed by
 * `delayMs`, WITHOUT using one of its attempts (a dependency outage must not
 * fail jobs). Without the lock token, or if the move fails (lock lost), the
 * job fails with `cause` as an ordinary attempt instead.
 */
export class HandBack extends Error {
  override name = 'HandBack';
  readonly delayMs: number;
  constructor(delayMs: number, cause: unknown) {
    super(`handed back for ${delayMs} ms`, { cause });
    this.delayMs = delayMs;
  }
}

export type JobHandlers = {
  [N in JobName]: (payload: JobPayload<N>, attempt: JobAttempt) => Promise<unknown>;
};

/** One failed attempt of a job of name N, as the catalog knows it. */
export interface AttemptFailureOf<N extends JobName> {
  name: N;
  bullJobId: string | undefined;
  /** Undefined when the stored payload does not fit the catalog (it never ran). */
  payload: JobPayload<N> | undefined;
  attemptsMade: number;
  attempts: number;
  /** The job's last attempt: BullMQ will not retry it. */
  final: boolean;
}

/** A failed attempt of any job; `name` tells which (and narrows the payload). */
export type AttemptFailure = { [N in JobName]: AttemptFailureOf<N> }[JobName];

export interface ConsumerEvents {
  failed?(failure: AttemptFailure, error: Error): void;
  /** A job completed (moved in Redis): Redis answered. */
  completed?(name: JobName): void;
  /** BullMQ's own Redis calls failed (fetching, moving, renewing locks). */
  error?(error: Error): void;
  handedBack?(details: { name: JobName; bullJobId: string; delayMs: number; cause: unknown }): void;
  handBackFailed?(details: { name: JobName; bullJobId: string; error: unknown }): void;
  /** A lock could not be renewed; the attempt's signal is aborted right after. */
  lockLost?(details: { name: JobName; bullJobId: string }): void;
  /**
   * This process' stalled check put a job back in the queue: its lock had
   * expired (its worker died, froze or lost Redis).
   */
  stalled?(details: { name: JobName; bullJobId: string }): void;
}

export interface ConsumerSettings {
  /** Jobs of each name one process runs at once. */
  concurrency: Record<JobName, number>;
  /**
   * A killed worker's jobs come back after their lock expires (BullMQ's
   * stalled check, which runs at most once per interval across all workers
   * and moves a job that was active at its previous run and has no lock):
   * within lock + interval of the death. Several stalls are allowed, since a
   * job whose worker died twice is not a bad job.
   */
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
}

export interface Consumers {
  /** Starts taking jobs (nothing is taken before). */
  start(): void;
  /**
   * Takes no new jobs; jobs in flight go on (they finish, fail or are handed
   * back). Idempotent, like resume.
   */
  pause(): Promise<void>;
  resume(): void;
  /** True when no queue is taking jobs. */
  isPaused(): boolean;
  /** True while jobs of `name` are being taken: running, not paused, connection ready. */
  isConsuming(name: JobName): boolean;
  /** Stops taking jobs and waits for the ones in flight. Leaves the given connections open. */
  close(): Promise<void>;
}

/**
 * The BullMQ consumer side of the job catalog: one Worker per job name, on
 * the connection given for it (a blocking connection each: BullMQ needs
 * `maxRetriesPerRequest: null`, see createWorkerConnection). Payloads are
 * parsed through the catalog before a handler sees them; a handler's
 * HandBack becomes BullMQ's moveToDelayed + DelayedError; a lost lock aborts
 * the attempt's signal. Nothing is taken before `start()`.
 */
export function createConsumers(options: {
  connections: Record<JobName, RedisConnection>;
  prefix: string;
  settings: ConsumerSettings;
  handlers: JobHandlers;
  events?: ConsumerEvents;
}): Consumers {
  const events = options.events ?? {};

  function consume<N extends JobName>(name: N): Worker {
    const entry = jobCatalog[name];
    const handler = options.handlers[name] as JobHandlers[N];
    // Three parameters: BullMQ passes the abort signal only to a processor
    // that declares it (cancelJob aborts it).
    const processor = async (job: Job, token?: string, signal?: AbortSignal) => {
      const payload = entry.payload.parse(job.data) as JobPayload<N>;
      const bullJobId = job.id ?? '';
      try {
        return await handler(payload, {
          bullJobId,
          signal,
          // A hand-back counts as started, not as made.
          handBacks: Math.max(0, job.attemptsStarted - job.attemptsMade - 1),
        });
      } catch (error) {
        if (!(error instanceof HandBack)) throw error;
        if (token === undefined) throw error.cause;
        try {
          await job.moveToDelayed(Date.now() + error.delayMs, token);
        } catch (moveError) {
          events.handBackFailed?.({ name, bullJobId, error: moveError });
          throw error.cause;
        }
        events.handedBack?.({ name, bullJobId, delayMs: error.delayMs, cause: error.cause });
        throw new DelayedError();
      }
    };
    const worker = new Worker(entry.queue, processor, {
      connection: options.connections[name],
      prefix: options.prefix,
      concurrency: options.settings.concurrency[name],
      lockDuration: options.settings.lockDurationMs,
      // Renewed four times per lock (BullMQ's default: twice), so a short
      // lock survives a renewal delayed by up to three quarters of it (a
      // slow Redis round trip, a long GC pause). Cheap: one script call per
      // worker and renewal for all of its jobs, only while it has some.
      lockRenewTime: Math.max(1, Math.floor(options.settings.lockDurationMs / 4)),
      stalledInterval: options.settings.stalledIntervalMs,
      maxStalledCount: options.settings.maxStalledCount,
      autorun: false,
    });
    worker.on('failed', (job, error) => {
      if (!job) return;
      const attempts = job.opts.attempts ?? 1;
      const parsed = entry.payload.safeParse(job.data);
      const failure: AttemptFailureOf<N> = {
        name,
        bullJobId: job.id,
        payload: parsed.success ? (parsed.data as JobPayload<N>) : undefined,
        attemptsMade: job.attemptsMade,
        attempts,
        final: job.attemptsMade >= attempts,
      };
      // One member of the union; TypeScript cannot correlate it through N.
      events.failed?.(failure as AttemptFailure, error);
    });
    worker.on('completed', () => events.completed?.(name));
    worker.on('stalled', (bullJobId) => events.stalled?.({ name, bullJobId }));
    worker.on('error', (error) => events.error?.(error));
    // BullMQ could not extend a lock: the job is (or will be) handed to
    // another worker. Abort the attempt so it stops early; its commit would
    // be refused anyway (fencing is the handler's business).
    worker.on('lockRenewalFailed', (bullJobIds) => {
      for (const bullJobId of bullJobIds) {
        events.lockLost?.({ name, bullJobId });
        worker.cancelJob(bullJobId, 'lock lost');
      }
    });
    return worker;
  }

  const workers = Object.fromEntries(
    (Object.keys(jobCatalog) as JobName[]).map((name) => [name, consume(name)]),
  ) as Record<JobName, Worker>;
  const all = Object.values(workers);

  return {
    start() {
      // run() settles when the worker closes; its failures are BullMQ's 'error's.
      for (const w of all) w.run().catch((error: Error) => events.error?.(error));
    },
    async pause() {
      // true: do not wait for jobs in flight.
      await Promise.all(all.filter((w) => !w.isPaused()).map((w) => w.pause(true)));
    },
    resume() {
      for (const w of all) if (w.isPaused()) w.resume();
    },
    isPaused: () => all.every((w) => w.isPaused()),
    isConsuming: (name) => {
      const w = workers[name];
      return w.isRunning() && !w.isPaused() && options.connections[name].status === 'ready';
    },
    async close() {
      await Promise.all(all.map((w) => w.close()));
    },
  };
}
