import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * An explicit registry per process (never prom-client's global one), so tests
 * and embedded uses can create several without metric-name clashes.
 */
export function createMetricsRegistry(process: 'api' | 'worker'): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ process });
  collectDefaultMetrics({ register: registry, prefix: 'sluice_' });
  return registry;
}
