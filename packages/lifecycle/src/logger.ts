import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * The process' JSON logger (pino, to stdout). Every line carries `process`
 * ('api', 'worker') and the pid, plus `fields` (a worker's id), so the lines
 * of many processes can be told apart once collected.
 *
 * Written synchronously: pino's default asynchronous stdout lost or reordered
 * the last lines before process.exit (seen in shutdown.test.ts: 'stopped'
 * before 'shutting down', or the deadline's error missing), and those lines
 * are the ones that tell an operator why a process ended. A write per line
 * costs microseconds against milliseconds per request.
 */
export function createProcessLogger(options: {
  process: 'api' | 'worker';
  level: string;
  fields?: Record<string, string>;
}): Logger {
  return pino(
    {
      name: `sluice-${options.process}`,
      level: options.level,
      base: { process: options.process, ...options.fields, pid: process.pid },
    },
    pino.destination({ dest: 1, sync: true }),
  );
}
