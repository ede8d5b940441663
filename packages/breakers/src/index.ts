export type { Breaker, BreakerOptions, BreakerSettings, BreakerState } from './breaker.ts';
export { BreakerOpenError, createBreaker, DEFAULT_BREAKER_SETTINGS } from './breaker.ts';
export type {
  BreakerConfig,
  DependencyBreakers,
  DependencyBreakersOptions,
} from './dependencies.ts';
export {
  breakerSettingsFrom,
  createDependencyBreakers,
  DEPENDENCIES,
  type Dependency,
  logStateChange,
  type StateChangeLogger,
  stateChangeLogLevel,
} from './dependencies.ts';
