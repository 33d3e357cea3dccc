// A core with only the events part, in cluster mode, for crash tests: the integration test
// runs it as a child process, SIGKILLs it after 202s and starts it again on the same data
// directory. Settings come from the environment (see pipeline.int.test.ts); prints
// `listening <port>` once it serves.
import { createLogger } from '@edge-rtb/shared/log';
import { serve } from '@hono/node-server';
import { loadConfig } from '../../config.ts';
import { createMetrics } from '../../metrics.ts';
import { createEventsPart } from '../part.ts';

const config = loadConfig();
const part = await createEventsPart(
  { config, log: createLogger({ svc: 'ingest-child' }, 'warn'), metrics: createMetrics() },
  // The broker's minimum session timeout, so a SIGKILLed child's partitions free up quickly.
  { sink: process.env.EVENTS_SINK === '1', sinkMaxDelayMs: 200, kafkaSessionTimeoutMs: 6000 },
);
const server = serve({ fetch: part.routes!.fetch, hostname: '127.0.0.1', port: config.port }, (info) =>
  console.log(`listening ${info.port}`),
);
process.on('SIGTERM', () => {
  server.close();
  void part.close().then(() => process.exit(0));
});
