export { databasePoolOptionsOf } from './database-pool-settings.ts';
export { byteSize, ConfigError, parseEnv, port } from './env.ts';
export type { RedisAddress, RedisTarget } from './redis-settings.ts';
export type { ApiConfig, WorkerConfig } from './settings.ts';
export { CONFIG_VARIABLES, loadApiConfig, loadWorkerConfig } from './settings.ts';
