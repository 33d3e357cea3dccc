// Prometheus metrics of the budget part, on the core's one registry.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { LeaseEventQueueMetrics } from './lease-events.ts';

export interface BudgetMetrics {
  grants: Counter<'campaign'>;
  grantedMicros: Counter<'campaign'>;
  denials: Counter<'reason'>;
  /** Lease requests that repeated an idempotency key: answered the first grant (outcome repeated) or 409 (conflict). */
  keyedRepeats: Counter<'outcome'>;
  settles: Counter<'outcome'>;
  expired: Counter;
  grantSeconds: Histogram;
  leaseEvents: LeaseEventQueueMetrics;
  /** 1 for the ledger's current state (ok, unchecked, lost, replaced, reseed_incomplete), 0 for the others. */
  ledgerState: Gauge<'state'>;
}

export function createBudgetMetrics(registry: Registry): BudgetMetrics {
  const registers = [registry];
  return {
    // Per campaign: campaign counts are bounded by the catalog, and spend per campaign is what ops watch.
    grants: new Counter({
      name: 'edge_rtb_core_lease_grants_total',
      help: 'Budget leases granted',
      labelNames: ['campaign'],
      registers,
    }),
    grantedMicros: new Counter({
      name: 'edge_rtb_core_lease_granted_micros_total',
      help: 'Micros granted in leases',
      labelNames: ['campaign'],
      registers,
    }),
    denials: new Counter({
      name: 'edge_rtb_core_lease_denials_total',
      help: 'Lease requests answered with no lease, by reason',
      labelNames: ['reason'],
      registers,
    }),
    keyedRepeats: new Counter({
      name: 'edge_rtb_core_lease_request_repeats_total',
      help: 'Lease requests whose idempotency key was seen before: repeated (answered the first grant) or conflict (409)',
      labelNames: ['outcome'],
      registers,
    }),
    settles: new Counter({
      name: 'edge_rtb_core_lease_settles_total',
      help: 'Lease settles, by outcome (applied, repeated, expired, unknown)',
      labelNames: ['outcome'],
      registers,
    }),
    expired: new Counter({
      name: 'edge_rtb_core_lease_expired_total',
      help: 'Leases the sweep counted as fully spent because they were not settled in time',
      registers,
    }),
    grantSeconds: new Histogram({
      name: 'edge_rtb_core_lease_grant_seconds',
      help: 'Time to decide a lease request (ledger round trip included)',
      buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.1],
      registers,
    }),
    ledgerState: new Gauge({
      name: 'edge_rtb_core_budget_ledger_state',
      help: 'Budget ledger check against the catalog: 1 on the current state; anything but ok refuses every grant',
      labelNames: ['state'],
      registers,
    }),
    leaseEvents: {
      pending: new Gauge({
        name: 'edge_rtb_core_lease_events_pending',
        help: 'Lease events (granted, settled, expired) waiting to be published to the event log',
        registers,
      }),
      publishFailures: new Counter({
        name: 'edge_rtb_core_lease_event_publish_failures_total',
        help: 'Failed publishes of a batch of lease events (each is retried)',
        registers,
      }),
      dropped: new Counter({
        name: 'edge_rtb_core_lease_events_dropped_total',
        help: 'Lease events given up on (queue full after long publish failures, or shutdown); each is logged',
        registers,
      }),
    },
  };
}
