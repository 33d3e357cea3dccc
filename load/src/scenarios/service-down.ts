// Cluster mode with the real services; one of them (Redis, Kafka or ClickHouse) is stopped
// for 30 s and started again. The edge answers throughout, no money is spent twice or without
// a lease, and every event lands once the service is back (Kafka: the core's durable outbox;
// ClickHouse: the sink retries; Redis: leases are refused, so own campaigns bid only from the
// leases they hold). Redis comes back with its data, as a managed Redis would (its AOF; a
// Redis running without persistence is snapshotted first: services.ts saveRedisSnapshot).

import { rmSync } from 'node:fs';
import { STANDARD } from '../invariants.ts';
import { restartService, type ServiceName, saveRedisSnapshot, stopService } from '../services.ts';
import { fleet } from './baseline.ts';
import type { Scenario } from './types.ts';

export function serviceDown(service: Exclude<ServiceName, 'postgres' | 'upstash'>): Scenario {
  // Redis: an outage, not a data loss (the local Redis has no persistence; see saveRedisSnapshot).
  let snapshot: string | undefined;
  return {
    name: `${service}-down`,
    description: `Cluster mode (PostgreSQL, Redis, Kafka, ClickHouse); ${service} is stopped at t=15 s and restarted at t=45 s.`,
    durationS: 70,
    qps: 100,
    tmaxMs: 200,
    mode: 'cluster',
    services: ['postgres', 'redis', 'kafka', 'clickhouse'],
    dsps: fleet,
    users: true,
    settleS: 20,
    invariants: STANDARD,
    steps: [
      {
        atS: 15,
        label: `${service} stops`,
        run: async (ctx) => {
          // Stopping a service someone else started would break their tests in this shared tree.
          if (!ctx.ownServices.includes(service) && process.env.LOAD_ALLOW_SHARED_SERVICES !== '1')
            throw new Error(
              `${service} was already running (not started by this run); refusing to stop it. Stop it first or set LOAD_ALLOW_SHARED_SERVICES=1`,
            );
          if (service === 'redis') snapshot = await saveRedisSnapshot();
          await stopService(service);
        },
      },
      {
        atS: 45,
        label: `${service} restarts`,
        run: async () => {
          try {
            await restartService(service);
          } finally {
            if (snapshot) rmSync(snapshot, { force: true });
            snapshot = undefined;
          }
        },
      },
    ],
  };
}
