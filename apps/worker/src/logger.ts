import { pino } from 'pino';

export function createLogger(level: string, workerId: string) {
  return pino({
    name: 'sluice-worker',
    level,
    base: { process: 'worker', workerId, pid: process.pid },
  });
}
