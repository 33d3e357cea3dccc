// Prometheus metrics of the catalog part, on the core's one registry: which version a replica
// serves (replicas should agree within seconds) and how the edge's polls are answered.
// A part re-created on the same registry (a restart in tests) reuses the registered metrics.
import { Counter, Gauge, type Registry } from 'prom-client';

export interface CatalogMetrics {
  version: Gauge;
  snapshotRequests: Counter<'status'>;
  snapshotBuilds: Counter;
}

export function createCatalogMetrics(registry: Registry): CatalogMetrics {
  const registers = [registry];
  const reuse = <T>(name: string, make: () => T): T =>
    (registry.getSingleMetric(name) as T | undefined) ?? make();
  return {
    version: reuse(
      'edge_rtb_core_catalog_version',
      () =>
        new Gauge({
          name: 'edge_rtb_core_catalog_version',
          help: 'Catalog version this replica knows',
          registers,
        }),
    ),
    snapshotRequests: reuse(
      'edge_rtb_core_snapshot_requests_total',
      () =>
        new Counter({
          name: 'edge_rtb_core_snapshot_requests_total',
          help: 'GET /v1/snapshot answers by status (304 = the edge was current)',
          labelNames: ['status'],
          registers,
        }),
    ),
    snapshotBuilds: reuse(
      'edge_rtb_core_snapshot_builds_total',
      () =>
        new Counter({
          name: 'edge_rtb_core_snapshot_builds_total',
          help: 'Snapshots built from the database (one per new version)',
          registers,
        }),
    ),
  };
}
