// The events part: ingest (POST /v1/events), the log (Kafka + outbox in cluster mode, the
// local log in single-node mode), the ClickHouse sink (server / chDB), the reconciler and the
// reporting API (/v1/reports). Backends that are down at start do not stop the core: the
// outbox takes events until Kafka answers, and migrations + sink start once ClickHouse does.
import { join } from 'node:path';
import type { RtbEvent } from '@edge-rtb/shared/events';
import { Hono } from 'hono';
import type { Mode } from '../config.ts';
import type { CorePart, PartContext } from '../part.ts';
import { createReportingRoutes } from '../reporting/routes.ts';
import { migrate } from './ch/migrate.ts';
import type { ChStore } from './ch/store.ts';
import { createChdbStore, createServerStore } from './ch/store.ts';
import { createIngestRoutes } from './ingest.ts';
import { createKafkaLog } from './kafka-log.ts';
import { createLocalLog } from './local-log.ts';
import type { EventLog } from './log.ts';
import { toRecords } from './log.ts';
import { createLossNoticeSender } from './loss-notices.ts';
import { createEventMetrics } from './metrics.ts';
import type { LeaseProven } from './reconcile.ts';
import { createReconciler } from './reconcile.ts';
import type { Sink, SinkOptions } from './sink.ts';
import { createSink } from './sink.ts';

export interface EventsPartOptions {
  /** Defaults to ctx.config.mode. single-node: local log + chDB; cluster: Kafka + ClickHouse server. */
  mode?: Mode;
  /** Connect to the budget ledger: (l) => ledger.reconcile(l.campaignId, l.leaseId, l.provenSpentMicros). */
  onLeaseProven?: (lease: LeaseProven) => Promise<unknown>;
  /** Run the ClickHouse sink in this process (default true; off for ingest-only replicas). */
  sink?: boolean;
  sinkBatchSize?: number;
  sinkMaxDelayMs?: number;
  /** Called after each committed sink batch (the benchmark's lag samples). */
  onSinkFlush?: SinkOptions['onFlush'];
  reconcileEveryMs?: number;
  /** Wait this long after a lease ends before judging it, so late win events land first. */
  reconcileGraceMs?: number;
  kafkaPartitions?: number;
  /** Kafka consumer session timeout (default 10 s): how long a crashed sink's partitions wait. */
  kafkaSessionTimeoutMs?: number;
}

export interface EventsPart extends CorePart {
  /** Core-side events (e.g. the budget part's lease events): durable when it resolves. */
  publish(events: RtbEvent[]): Promise<void>;
  readonly log: EventLog;
  store(): ChStore | null;
  sink(): Sink | null;
  /** One reconciliation pass now (ops, tests); the part also runs one every reconcileEveryMs. */
  reconcileNow(now?: number): Promise<LeaseProven[]>;
}

export async function createEventsPart(ctx: PartContext, opts: EventsPartOptions = {}): Promise<EventsPart> {
  const { config } = ctx;
  const mode = opts.mode ?? config.mode;
  const logger = ctx.log.child({ part: 'events' });
  const metrics = createEventMetrics(ctx.metrics);
  const dir = join(config.dataDir, 'events');

  if (mode === 'cluster' && (config.kafkaBrokers.length === 0 || !config.clickhouseUrl))
    throw new Error('cluster mode needs KAFKA_BROKERS and CLICKHOUSE_URL for the events part');
  const log: EventLog =
    mode === 'cluster'
      ? createKafkaLog({
          brokers: config.kafkaBrokers,
          outboxDir: join(dir, 'outbox'),
          prefix: config.kafkaTopicPrefix,
          partitions: opts.kafkaPartitions ?? 3,
          ...(opts.kafkaSessionTimeoutMs ? { sessionTimeoutMs: opts.kafkaSessionTimeoutMs } : {}),
          logger,
          metrics,
        })
      : createLocalLog({ dir: join(dir, 'log') });
  await log.start();

  let store: ChStore | null = null;
  let sink: Sink | null = null;
  let closing = false;
  let storeError: string | undefined;
  const reconciler = createReconciler({
    store: () => store,
    logger,
    metrics,
    ...(opts.onLeaseProven ? { onLeaseProven: opts.onLeaseProven } : {}),
    ...(opts.reconcileEveryMs ? { everyMs: opts.reconcileEveryMs } : {}),
    ...(opts.reconcileGraceMs !== undefined ? { graceMs: opts.reconcileGraceMs } : {}),
  });

  async function openStore(): Promise<ChStore> {
    if (mode !== 'cluster') return createChdbStore(join(dir, 'chdb'));
    if (config.clickhouseDatabase !== 'default') {
      const admin = createServerStore(config.clickhouseUrl!);
      try {
        await admin.exec(
          `CREATE DATABASE IF NOT EXISTS ${config.clickhouseDatabase.replace(/[^A-Za-z0-9_]/g, '')}`,
        );
      } finally {
        await admin.close();
      }
    }
    return createServerStore(config.clickhouseUrl!, config.clickhouseDatabase);
  }

  // ClickHouse may be down at start: keep trying, then migrate and start the sink.
  const storeStarting = (async () => {
    for (let attempt = 0; !closing; attempt++) {
      try {
        const s = await openStore();
        const applied = await migrate(s);
        if (applied.length) logger.info('clickhouse migrations applied', { applied });
        store = s;
        storeError = undefined;
        break;
      } catch (e) {
        storeError = e instanceof Error ? e.message : String(e);
        if (attempt === 0) logger.warn('clickhouse not ready; retrying', { error: storeError });
        await new Promise((r) => setTimeout(r, Math.min(500 * 2 ** attempt, 5000)));
      }
    }
    if (closing || !store) return;
    if (opts.sink !== false) {
      sink = createSink({
        log,
        store,
        // The prefix keeps environments sharing a broker in their own consumer groups.
        group: `${config.kafkaTopicPrefix}clickhouse-sink`,
        logger,
        metrics,
        ...(opts.sinkBatchSize ? { batchSize: opts.sinkBatchSize } : {}),
        ...(opts.sinkMaxDelayMs ? { maxDelayMs: opts.sinkMaxDelayMs } : {}),
        ...(opts.onSinkFlush ? { onFlush: opts.onSinkFlush } : {}),
      });
      await sink.start();
    }
    reconciler.start();
  })();

  const routes = new Hono();
  const lossNotices = createLossNoticeSender({ logger, registry: ctx.metrics });
  routes.route('/', createIngestRoutes({ edgeToken: config.edgeToken, log, logger, metrics, lossNotices }));
  routes.route('/v1/reports', createReportingRoutes({ store: () => store, adminToken: config.adminToken }));

  return {
    name: 'events',
    routes,
    log,
    store: () => store,
    sink: () => sink,
    publish: (events) => log.append(toRecords(events, log.partitions)),
    reconcileNow: (now) => reconciler.runOnce(now),
    async ready() {
      const h = log.health();
      const problems = [
        ...(h.ok ? [] : [h.detail ?? 'log not ready']),
        ...(store ? [] : [`clickhouse: ${storeError ?? 'starting'}`]),
        ...(sink?.status().paused ? ['sink paused: clickhouse refuses inserts'] : []),
      ];
      // Ready = ingest can make events durable. Kafka away is fine (the outbox is durable) and so is
      // ClickHouse away (events wait in the log); both show in the detail.
      return {
        ok: h.ok || log.kind === 'kafka',
        ...(problems.length ? { detail: problems.join('; ') } : {}),
      };
    },
    async close() {
      closing = true;
      await storeStarting;
      await reconciler.stop();
      await sink?.stop();
      await lossNotices.close();
      await log.close();
      await store?.close();
    },
  };
}
