// The cluster EventLog on Kafka (kafkajs): an idempotent producer with acks=-1, records placed
// by auction id (partitionOf: same auction -> same partition -> order kept), topics created on start.
// When the broker does not acknowledge within sendTimeoutMs, records go to the outbox (a
// local log: append-only segments, fsync) and append() still resolves: durable either way.
// One pump loop serialises everything, so order holds: while the outbox is not empty new
// records join it, and it is replayed into Kafka in order before direct sends resume.
// A replay may repeat records Kafka already had (e.g. a crash after the ack but before the
// outbox commit); consumers insert each event id once, so repeats never land twice.
import type { Logger } from '@edge-rtb/shared/log';
import type { Admin, Producer } from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import { createKafkaConsumer } from './kafka-consumer.ts';
import { createLocalLog } from './local-log.ts';
import type { ConsumedRecord, EventLog, LogConsumer, LogRecord } from './log.ts';
import { ALL_TOPICS } from './log.ts';
import type { EventMetrics } from './metrics.ts';

export interface KafkaLogOptions {
  brokers: string[];
  outboxDir: string;
  logger: Logger;
  metrics?: EventMetrics;
  clientId?: string;
  /** Physical topic prefix (tests isolate runs on a shared broker). */
  prefix?: string;
  partitions?: number;
  sendTimeoutMs?: number;
  /** Consumer group session timeout: how long a crashed consumer's partitions wait (default 10 s). */
  sessionTimeoutMs?: number;
}

export interface KafkaEventLog extends EventLog {
  /** Records in the outbox not yet acknowledged by Kafka (-1: unknown until the first replay poll). */
  outboxPending(): number;
}

/** Bytes per partition per produce request: under the broker's default 1 MB message.max.bytes. */
const SEND_BYTES = 768 * 1024;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function createKafkaLog(o: KafkaLogOptions): KafkaEventLog {
  const { brokers, logger, metrics, prefix = '', partitions = 3, sendTimeoutMs = 2000 } = o;
  const kafka = new Kafka({
    clientId: o.clientId ?? 'edge-rtb-core',
    brokers,
    connectionTimeout: 1000,
    requestTimeout: 10_000,
    logLevel: logLevel.NOTHING,
  });
  const phys = (t: string) => `${prefix}${t}`;
  const outbox = createLocalLog({ dir: o.outboxDir });
  let drainer: LogConsumer;
  let producer: Producer = newProducer();
  let connected = false;
  let topicsReady = false;
  let closed = false;
  let held: ConsumedRecord[] = []; // polled from the outbox, not yet acknowledged by Kafka
  let outboxMaybeNonEmpty = true; // unknown after a restart until a poll comes back empty
  let pendingInOutbox = -1;
  let outstanding: Promise<void> | null = null; // a send we stopped waiting for (broker stalled)
  let outstandingSince = 0;
  const queue: Array<{ records: LogRecord[]; resolve: () => void; reject: (e: unknown) => void }> = [];
  let wake: () => void = () => {};
  let pumping: Promise<void> | null = null;
  let lastError: string | undefined;
  let reconnecting: Promise<unknown> | null = null;

  function newProducer(): Producer {
    return kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  }

  /**
   * Sends in order, in as few requests as the broker allows: it refuses a partition's record
   * batch over message.max.bytes (1 MB), so a request carries at most SEND_BYTES per partition.
   */
  async function send(records: LogRecord[]): Promise<void> {
    let chunk: LogRecord[] = [];
    const bytes = new Map<string, number>();
    for (const r of records) {
      const k = `${r.topic}/${r.partition ?? 0}`;
      const size = r.value.length + r.key.length;
      if ((bytes.get(k) ?? 0) + size > SEND_BYTES && chunk.length > 0) {
        await sendChunk(chunk);
        chunk = [];
        bytes.clear();
      }
      chunk.push(r);
      bytes.set(k, (bytes.get(k) ?? 0) + size);
    }
    if (chunk.length > 0) await sendChunk(chunk);
  }

  async function sendChunk(records: LogRecord[]): Promise<void> {
    const byTopic = new Map<string, Array<{ key: string; value: string; partition: number }>>();
    for (const r of records) {
      const list = byTopic.get(r.topic) ?? [];
      list.push({ key: r.key, value: r.value, partition: r.partition ?? 0 });
      byTopic.set(r.topic, list);
    }
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([t, messages]) => ({ topic: phys(t), messages })),
    });
  }

  /** 'ok' when `p` resolved in time, 'late' when not (p keeps running); rejects when p does. */
  function within(p: Promise<void>, ms: number): Promise<'ok' | 'late'> {
    // Both handlers on p: a rejection after 'late' is settled here, never unhandled.
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => resolve('late'), ms);
      p.then(
        () => {
          clearTimeout(t);
          resolve('ok');
        },
        (e) => {
          clearTimeout(t);
          reject(e);
        },
      );
    });
  }

  async function connect(): Promise<boolean> {
    try {
      if ((await within(producer.connect(), 3000)) === 'late') throw new Error('connect timed out');
      if (!topicsReady) await createTopics();
      connected = true;
      logger.info('kafka connected', { brokers });
      return true;
    } catch (e) {
      lastError = e instanceof Error ? e.message : String(e);
      await resetProducer();
      return false;
    }
  }

  async function createTopics(): Promise<void> {
    const admin: Admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: ALL_TOPICS.map((t) => ({ topic: phys(t), numPartitions: partitions, replicationFactor: 1 })),
      });
      topicsReady = true;
    } finally {
      await admin.disconnect();
    }
  }

  /** A fresh producer (new id, fresh sequence numbers); the old one is let go in the background. */
  async function resetProducer(): Promise<void> {
    connected = false;
    const old = producer;
    producer = newProducer();
    void within(old.disconnect(), 1000).catch(() => {});
  }

  /** Reconnects off the pump, so appends keep flowing into the outbox meanwhile. */
  function reconnect(): Promise<unknown> {
    reconnecting ??= connect().finally(() => {
      reconnecting = null;
      wake();
    });
    return reconnecting;
  }

  function toOutbox(): void {
    if (pendingInOutbox >= 0) metrics?.outboxPending.set(pendingInOutbox);
  }

  /** The one loop: new appends first (direct or into the outbox), then replay of the outbox. */
  async function pump(): Promise<void> {
    while (queue.length > 0 || (outboxMaybeNonEmpty && !closed)) {
      const woken = new Promise<void>((r) => {
        wake = r;
      });
      if (queue.length > 0) {
        const batch = queue.splice(0);
        const records = batch.flatMap((b) => b.records);
        if (!outboxMaybeNonEmpty && !outstanding && connected) {
          const p = send(records);
          try {
            if ((await within(p, sendTimeoutMs)) === 'ok') {
              for (const b of batch) b.resolve();
              continue;
            }
            track(p, null);
            logger.warn('kafka did not acknowledge in time; using the outbox', { sendTimeoutMs });
          } catch (e) {
            lastError = e instanceof Error ? e.message : String(e);
            logger.warn('kafka send failed; using the outbox', { error: lastError });
            await resetProducer();
          }
        }
        try {
          await outbox.append(records);
          outboxMaybeNonEmpty = true;
          if (pendingInOutbox >= 0) pendingInOutbox += records.length;
          toOutbox();
          for (const b of batch) b.resolve();
        } catch (e) {
          for (const b of batch) b.reject(e);
        }
        continue;
      }
      if (outstanding) {
        if (Date.now() - outstandingSince > 20_000) {
          logger.warn('abandoning a stalled kafka send; the outbox keeps its records');
          outstanding = null;
          await resetProducer();
        } else await Promise.race([outstanding, woken, sleep(500)]);
        continue;
      }
      if (held.length === 0) {
        held = await drainer.poll(5000, 0);
        if (held.length === 0) {
          outboxMaybeNonEmpty = false;
          pendingInOutbox = 0;
          toOutbox();
          continue;
        }
      }
      if (!connected) {
        const attempt = reconnect();
        await Promise.race([woken, Promise.all([attempt, sleep(1000)])]);
        continue;
      }
      const p = send(held);
      try {
        if ((await within(p, sendTimeoutMs)) === 'ok') await acked(held);
        else track(p, held);
      } catch (e) {
        lastError = e instanceof Error ? e.message : String(e);
        await resetProducer();
        await Promise.race([woken, sleep(1000)]);
      }
    }
    pumping = null;
  }

  async function acked(records: ConsumedRecord[]): Promise<void> {
    await drainer.commit();
    if (held === records) held = [];
    if (pendingInOutbox >= 0) pendingInOutbox = Math.max(0, pendingInOutbox - records.length);
    toOutbox();
  }

  /** A late send: when it lands, replayed records are committed; direct ones are already in the outbox. */
  // Once abandoned (see pump), a late outcome must change nothing: committing then could cover a
  // newer chunk Kafka has not acknowledged yet.
  function track(p: Promise<void>, replayed: ConsumedRecord[] | null): void {
    outstandingSince = Date.now();
    const mine: Promise<void> = p
      .then(async () => {
        if (outstanding !== mine) return;
        if (replayed) await acked(replayed);
        connected = true;
      })
      .catch(async () => {
        if (outstanding === mine) await resetProducer();
      })
      .finally(() => {
        if (outstanding === mine) outstanding = null;
        wake();
      });
    outstanding = mine;
  }

  function kick(): void {
    wake();
    pumping ??= pump();
  }

  return {
    kind: 'kafka',
    partitions,
    async start() {
      await outbox.start();
      drainer = await outbox.consumer('kafka-replay', ALL_TOPICS);
      await connect(); // may fail: the outbox takes the records until the broker answers
      kick();
    },
    append(records) {
      if (closed) return Promise.reject(new Error('kafka log closed'));
      if (records.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        queue.push({ records, resolve, reject });
        kick();
      });
    },
    async consumer(group, topics) {
      return createKafkaConsumer({
        kafka,
        group,
        topics,
        phys,
        logger,
        sessionTimeoutMs: o.sessionTimeoutMs ?? 10_000,
      });
    },
    health() {
      if (connected && !outboxMaybeNonEmpty) return { ok: true };
      return {
        ok: false,
        detail: `kafka ${connected ? 'replaying outbox' : 'unreachable'}${lastError ? `: ${lastError}` : ''}`,
      };
    },
    outboxPending: () => pendingInOutbox,
    async close() {
      closed = true;
      wake();
      await pumping;
      await drainer?.close();
      await outbox.close();
      await within(producer.disconnect(), 2000).catch(() => {});
    },
  };
}
