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
