// Starts the regional core: loads config, builds the backends for the mode, serves HTTP.
// SIGINT/SIGTERM close the server and the backends so no committed state is lost.

import { createLogger } from '@edge-rtb/shared/log';
import { serve } from '@hono/node-server';
import { createCoreApp } from './app.ts';
import { loadConfig } from './config.ts';
import { createMetrics } from './metrics.ts';

const config = loadConfig();
const log = createLogger({ svc: 'core' }, config.logLevel);
const app = createCoreApp({ config, log, metrics: createMetrics(), readiness: [] });
const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) =>
  log.info('core listening', { url: `http://${info.address}:${info.port}`, mode: config.mode }),
);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info('core stopping', { signal });
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 5000).unref();
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
