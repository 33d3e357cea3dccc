// A part of the regional core (catalog, budget, events, reporting): started by main.ts in
// dependency order for the configured mode, mounted with app.route(), closed on shutdown.

import type { Logger } from '@edge-rtb/shared/log';
import type { Hono } from 'hono';
import type { Registry } from 'prom-client';
import type { CoreConfig } from './config.ts';

export interface PartContext {
  config: CoreConfig;
  log: Logger;
  metrics: Registry;
}

export interface CorePart {
  name: string;
  /** Routes served under the core's root, e.g. /v1/leases. */
  routes?: Hono;
  ready(): Promise<{ ok: boolean; detail?: string }>;
  /** Flush and release backends; after it resolves no committed state is only in memory. */
  close(): Promise<void>;
}
