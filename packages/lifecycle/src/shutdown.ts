import type { Logger } from 'pino';

export interface ShutdownOptions {
  logger: Logger;
  /** Past this, the process exits 1 whatever is still running. */
  timeoutMs: number;
  /** Logged when the signal arrives: what the process does now. */
  stoppingMessage: string;
  /** Logged at the deadline: what was left undone and what becomes of it. */
  deadlineMessage: string;
  /** Stops taking work, finishes what is in flight, closes every connection. */
  stop: () => Promise<void>;
}

/**
 * Graceful shutdown on SIGTERM or SIGINT (the first one counts; repeats are
 * ignored): `stop`, then exit 0. A deadline of `timeoutMs` bounds it: an
 * orchestrator's kill grace period should be a little longer. A `stop` that
 * throws exits 1 with the error logged.
 */
export function onShutdownSignals(options: ShutdownOptions): void {
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const { logger, timeoutMs } = options;
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs }, options.deadlineMessage);
      process.exit(1);
    }, timeoutMs);
    deadline.unref();
    // Stopping starts first, then the line: whatever `stop` does before its
    // first await (the API closes its listening socket) has happened once
    // the line is out, so a reader of the log can rely on it.
    const stopped = options.stop();
    logger.info({ signal, timeoutMs }, options.stoppingMessage);
    try {
      await stopped;
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
      return;
    }
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', (signal) => void shutdown(signal));
  process.on('SIGINT', (signal) => void shutdown(signal));
}
