/**
 * @sluice/lifecycle: how a Sluice process starts and stops, the same for the
 * API and every worker: configuration loaded or a clear message and exit 2,
 * one JSON logger, V8's heap growth (HEAP_GROWING_PERCENT), and a graceful shutdown on SIGTERM/SIGINT bounded by a
 * deadline (exit 0 when done, 1 past the deadline).
 */
export { loadConfigOrExit } from './config.ts';
export { applyHeapGrowth } from './heap-growth.ts';
export { createProcessLogger, type Logger } from './logger.ts';
export { onShutdownSignals, type ShutdownOptions } from './shutdown.ts';
