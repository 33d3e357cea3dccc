// Spend reconciliation: leases that ended (settled or expired) are compared with the spend
// their win events prove. Each pass reports drift as metrics and hands every ended lease to
// onLeaseProven, which the integrator connects to the budget ledger's reconcile(); this part
// never imports the ledger. A grace period lets late win events land before a lease is judged.
import type { Logger } from '@edge-rtb/shared/log';
import type { LeaseDrift } from '../reporting/queries.ts';
import { leaseDrift } from '../reporting/queries.ts';
import type { ChStore } from './ch/store.ts';
import type { EventMetrics } from './metrics.ts';

export type LeaseProven = LeaseDrift;

export interface ReconcilerOptions {
  store: () => ChStore | null;
  logger: Logger;
  metrics?: EventMetrics;
  onLeaseProven?: (lease: LeaseProven) => Promise<unknown>;
  everyMs?: number;
  graceMs?: number;
  /** How far back the first pass after a start looks (reconcile is idempotent on the ledger side). */
  lookbackMs?: number;
}

export function createReconciler(o: ReconcilerOptions) {
  const {
    store,
    logger,
    metrics,
    onLeaseProven,
    everyMs = 30_000,
    graceMs = 60_000,
    lookbackMs = 3_600_000,
  } = o;
  let watermark = Date.now() - lookbackMs;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;

  async function runOnce(now = Date.now()): Promise<LeaseProven[]> {
    const s = store();
    if (!s) return [];
    const to = now - graceMs;
    if (to <= watermark) return [];
    const leases = await leaseDrift(s, { from: watermark, to, limit: 10_000 });
    let failed = false;
    for (const lease of leases) {
      try {
        await onLeaseProven?.(lease);
      } catch (e) {
        failed = true; // try the window again next pass
        logger.warn('lease reconcile hook failed', { leaseId: lease.leaseId, error: e });
      }
    }
    const drifting = leases.filter((l) => l.driftMicros !== 0);
    metrics?.driftMicros.set(drifting.reduce((sum, l) => sum + l.driftMicros, 0));
    metrics?.driftLeases.set(drifting.length);
    if (drifting.length > 0) logger.info('spend drift', { leases: drifting.length, of: leases.length });
    if (!failed) watermark = leases.length === 10_000 ? Date.parse(leases.at(-1)!.endedAt) : to;
    return leases;
  }

  return {
    runOnce,
    start() {
      timer = setInterval(() => {
        running ??= runOnce()
          .catch((e) => logger.warn('reconcile pass failed', { error: e }))
          .then(() => {
            running = null;
          });
      }, everyMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
