import type { RedisConnection } from './connections.ts';

/**
 * "Something changed in this job": the signal that wakes the API's event
 * streams (GET /v1/jobs/{id}/events) on every API instance. Workers publish
 * it when a chunk commits and when a job finalizes or fails; the API when a
 * client cancels, retries or deletes a job. It carries nothing but the job
 * id: PostgreSQL stays the source of truth, and an API reads the job from
 * there on every wake-up, so a lost message (Redis restarting, a subscriber
 * reconnecting) only delays an event until the stream's next heartbeat read.
 *
 * Redis pub/sub rather than streams for that reason: nothing needs keeping.
 * One channel per job (a subscriber hears only the jobs it watches), under
 * the queue prefix like every other key (it keeps a Cluster hash tag).
 */
const jobChangesChannel = (prefix: string, jobId: string) => `${prefix}:events:job:${jobId}`;

/** Announces a change of the job to every API instance watching it. */
export async function publishJobChange(
  redis: RedisConnection,
  prefix: string,
  jobId: string,
): Promise<void> {
  await redis.publish(jobChangesChannel(prefix, jobId), jobId);
}

export interface JobChangeListener {
  /**
   * Calls `onChange` on every announced change of the job until the returned
   * `unwatch`. `subscribed` settles once Redis confirms the subscription
   * (never rejects; while Redis is down it waits for the reconnect).
   */
  watch(jobId: string, onChange: () => void): { subscribed: Promise<void>; unwatch: () => void };
  /** Unsubscribes everything and closes the connection. */
  close(): Promise<void>;
}

export interface JobChangeListenerOptions {
  /**
   * A connection of its own (subscriber mode takes it over): one per API
   * process, shared by all of its event streams. Its offline queue must be
   * on (createWorkerConnection) so subscriptions made while Redis is down
   * are sent when it is back.
   */
  connection: RedisConnection;
  prefix: string;
  /**
   * The connection came back after a loss: changes announced meanwhile were
   * missed (ioredis subscribes again to every channel by itself).
   */
  onReconnect?: () => void;
  onError?: (error: Error) => void;
}

/** One subscriber connection fanning each job's changes out to its watchers. */
export function createJobChangeListener(o: JobChangeListenerOptions): JobChangeListener {
  const channels = new Map<string, { watchers: Set<() => void>; subscribed: Promise<void> }>();
  let connectedBefore = o.connection.status === 'ready';
  const reportError = (err: unknown) =>
    o.onError?.(err instanceof Error ? err : new Error(String(err)));

  o.connection.on('message', (channel: string) => {
    for (const onChange of channels.get(channel)?.watchers ?? []) onChange();
  });
  o.connection.on('ready', () => {
    if (connectedBefore) o.onReconnect?.();
    connectedBefore = true;
  });

  return {
    watch(jobId, onChange) {
      const channel = jobChangesChannel(o.prefix, jobId);
      let entry = channels.get(channel);
      if (!entry) {
        const subscribed = o.connection.subscribe(channel).then(() => undefined, reportError);
        entry = { watchers: new Set(), subscribed };
        channels.set(channel, entry);
      }
      const mine = entry;
      mine.watchers.add(onChange);
      let watching = true;
      return {
        subscribed: mine.subscribed,
        unwatch() {
          if (!watching) return;
          watching = false;
          mine.watchers.delete(onChange);
          if (mine.watchers.size > 0 || channels.get(channel) !== mine) return;
          channels.delete(channel);
          o.connection.unsubscribe(channel).catch(reportError);
        },
      };
    },
    async close() {
      channels.clear();
      o.connection.disconnect();
    },
  };
}
