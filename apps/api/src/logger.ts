import { pino } from 'pino';

export function createLogger(level: string) {
  return pino({ name: 'sluice-api', level, base: { process: 'api', pid: process.pid } });
}
