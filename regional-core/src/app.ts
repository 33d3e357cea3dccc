// The core's HTTP surface, composed from one sub-app per part (catalog, leases, events,
// reporting). Each part is mounted with app.route() and owns its own routes.

import type { Logger } from '@edge-rtb/shared/log';
import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import type { CoreConfig } from './config.ts';

export interface CoreDeps {
  config: CoreConfig;
  log: Logger;
  metrics: Registry;
  /** Each part says whether it is ready to serve (backends reachable). */
  readiness: Array<() => Promise<{ name: string; ok: boolean; detail?: string }>>;
}

export function createCoreApp(deps: CoreDeps): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ ok: true, part: 'core', mode: deps.config.mode }));
  app.get('/readyz', async (c) => {
    const checks = await Promise.all(deps.readiness.map((check) => check()));
    const ok = checks.every((r) => r.ok);
    return c.json({ ok, checks }, ok ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    c.header('content-type', deps.metrics.contentType);
    return c.body(await deps.metrics.metrics());
  });
  return app;
}
