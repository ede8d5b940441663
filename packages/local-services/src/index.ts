export type { ServiceHandle } from './handle.ts';
export type { PgBouncerOptions } from './pgbouncer.ts';
export { startPgBouncer } from './pgbouncer.ts';
export { findFreePort, waitForPortFree } from './ports.ts';
export type { PostgresOptions } from './postgres.ts';
export { findPostgresBinDir, startPostgres } from './postgres.ts';
export { childPids, isRunning } from './process-tree.ts';
export type { RedisOptions } from './redis.ts';
export { startRedis } from './redis.ts';
