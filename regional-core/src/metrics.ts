// The one metrics registry of the core (Prometheus text format at /metrics).
import { collectDefaultMetrics, Registry } from 'prom-client';

export function createMetrics(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'edge_rtb_core_' });
  return registry;
}
