// A process that shuts down through onShutdownSignals (shutdown.test.ts):
// STOP=ok finishes its stop at once, STOP=hang never does, STOP=throw fails.
import { createProcessLogger } from './logger.ts';
import { onShutdownSignals } from './shutdown.ts';

const keepAlive = setInterval(() => {}, 60_000);
const logger = createProcessLogger({
  process: 'worker',
  level: 'info',
  fields: { workerId: 'fixture' },
});
onShutdownSignals({
  logger,
  timeoutMs: Number(process.env.TIMEOUT_MS ?? 5_000),
  stoppingMessage: 'shutting down: fixture',
  deadlineMessage: 'fixture did not stop in time',
  stop: async () => {
    if (process.env.STOP === 'hang') return new Promise<void>(() => {});
    if (process.env.STOP === 'throw') throw new Error('could not close');
    clearInterval(keepAlive);
  },
});
logger.info('fixture ready');
