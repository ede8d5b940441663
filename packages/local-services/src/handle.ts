import type { ServerProcess } from './child.ts';
import { waitForPortFree } from './ports.ts';

export interface ServiceHandle {
  readonly url: string;
  readonly port: number;
  /** PID of the current server process (changes on restart). */
  readonly pid: number | undefined;
  /** Graceful stop; resolves when the process has exited. */
  stop(): Promise<void>;
  /** Sends a signal (default SIGKILL, as chaos tests want) and waits for exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts again on the same port and data folder. */
  restart(): Promise<void>;
}

/**
 * The handle of a server that stops on SIGTERM and restarts by launching
 * again on its port (Redis, PgBouncer; PostgreSQL needs more, see postgres.ts).
 */
export function signalStoppedHandle(o: {
  url: string;
  port: number;
  host: string;
  current: () => ServerProcess;
  launch: (port: number) => Promise<void>;
}): ServiceHandle {
  return {
    url: o.url,
    port: o.port,
    get pid() {
      return o.current().child.pid;
    },
    stop: () => o.current().stop('SIGTERM'),
    kill: (signal = 'SIGKILL') => o.current().stop(signal, 5_000),
    restart: async () => {
      await o.current().stop('SIGTERM');
      await waitForPortFree(o.port, o.host);
      await o.launch(o.port);
    },
  };
}
