// Starts the regional core: loads config, starts the parts in dependency order for the mode
// (catalog -> events -> budget: the budget part publishes lease events from its first grant),
// mounts their routes and serves HTTP. SIGINT/SIGTERM stop accepting requests, then close the
// parts in reverse order (budget delivers its queued lease events before events closes), so
// nothing committed is only in memory.
import { createLogger } from '@edge-rtb/shared/log';
import { serve } from '@hono/node-server';
import { createCoreApp } from './app.ts';
import { type BudgetPart, createBudgetPart } from './budget/budget-part.ts';
import { createCatalogPart } from './catalog/part.ts';
import { loadConfig } from './config.ts';
import { createEventsPart } from './events/part.ts';
import { createMetrics } from './metrics.ts';
import type { CorePart, PartContext } from './part.ts';

const config = loadConfig();
const log = createLogger({ svc: 'core' }, config.logLevel);
const ctx: PartContext = { config, log, metrics: createMetrics() };

const parts: CorePart[] = [];
try {
  const catalog = await createCatalogPart(ctx);
  parts.push(catalog);
  // Late-bound: the events part starts first, so the reconciler's hook reaches the budget part
  // once it exists; a pass before that fails and the reconciler retries the same window.
  let budget: BudgetPart | undefined;
  const events = await createEventsPart(ctx, {
    // Win events prove what an ended lease really spent. The ledger acts on expired leases only:
    // it releases the unproven part of what it counted as fully spent (only ever downwards).
    // Settled leases are trusted (their holder reported the spend) and only show up as drift.
    onLeaseProven: (l) =>
      budget
        ? budget.service.reconcile(l.campaignId, l.leaseId, l.provenSpentMicros)
        : Promise.reject(new Error('budget part not started yet')),
  });
  parts.push(events);
  budget = await createBudgetPart(ctx, {
    source: catalog.budgets,
    backend: config.mode === 'cluster' ? 'redis' : 'embedded',
    redisPrefix: config.redisKeyPrefix,
    // granted / settled / expired: what the reconciler compares with the win events.
    onLeaseEvents: (e) => events.publish(e),
  });
  parts.push(budget);
} catch (err) {
  log.error('core failed to start', { err });
  await closeParts();
  process.exit(1);
}

const app = createCoreApp({
  config,
  log,
  metrics: ctx.metrics,
  readiness: parts.map((p) => async () => ({ name: p.name, ...(await p.ready()) })),
});
for (const p of parts) if (p.routes) app.route('/', p.routes);

const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) =>
  log.info('core listening', {
    url: `http://${info.address}:${info.port}`,
    mode: config.mode,
    parts: parts.map((p) => p.name),
  }),
);

server.on('error', (err) => {
  // Port taken or not permitted: say so plainly, release the backends, exit non-zero.
  log.error('core cannot listen', { host: config.host, port: config.port, err });
  void closeParts().then(() => process.exit(1));
});

async function closeParts(): Promise<void> {
  for (const p of [...parts].reverse()) {
    await p.close().catch((err) => log.error('part failed to close', { part: p.name, err }));
  }
}

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info('core stopping', { signal });
  setTimeout(() => process.exit(1), 10_000).unref();
  server.close(() => void closeParts().then(() => process.exit(0)));
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
