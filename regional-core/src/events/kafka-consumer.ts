// LogConsumer over a kafkajs consumer group. kafkajs pushes batches; poll() pulls from a
// bounded queue in between, so a slow sink (ClickHouse down) holds eachBatch, which keeps
// heartbeating while it waits: backpressure without leaving the group. Offsets are committed
// by hand (autoCommit off) only when the caller says its records are safe.
import type { Logger } from '@edge-rtb/shared/log';
import type { Consumer, Kafka } from 'kafkajs';
import type { ConsumedRecord, LogConsumer, Topic } from './log.ts';

const HIGH_WATER = 50_000;

export async function createKafkaConsumer(o: {
  kafka: Kafka;
  group: string;
  topics: Topic[];
  phys: (t: string) => string;
  logger: Logger;
  sessionTimeoutMs: number;
}): Promise<LogConsumer> {
  const { kafka, group, topics, phys, logger, sessionTimeoutMs } = o;
  const logical = new Map(topics.map((t) => [phys(t), t]));
  const consumer: Consumer = kafka.consumer({
    groupId: group,
    // A crashed member holds its partitions until this runs out; the broker's floor is 6 s.
    sessionTimeout: sessionTimeoutMs,
    heartbeatInterval: Math.min(3000, Math.floor(sessionTimeoutMs / 3)),
    maxWaitTimeInMs: 200,
    maxBytesPerPartition: 8 * 1024 * 1024,
    allowAutoTopicCreation: false,
  });
  const queue: ConsumedRecord[] = [];
  /** Highest offset handed out by poll(), per topic:partition. */
  const returned = new Map<string, { topic: string; partition: number; offset: bigint }>();
  let notify: (() => void) | null = null;
  let running = true;

  consumer.on(consumer.events.CRASH, (e) =>
    logger.warn('kafka consumer crashed', {
      group,
      error: e.payload.error.message,
      restart: e.payload.restart,
    }),
  );
  await consumer.connect();
  await consumer.subscribe({ topics: [...logical.keys()], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: true,
    eachBatch: async ({ batch, heartbeat, isRunning, isStale }) => {
      const topic = logical.get(batch.topic)!;
      for (const m of batch.messages)
        queue.push({
          topic,
          key: m.key?.toString() ?? '',
          value: m.value?.toString() ?? '',
          partition: batch.partition,
          offset: m.offset,
        });
      notify?.();
      while (queue.length > HIGH_WATER && running && isRunning() && !isStale()) {
        await new Promise((r) => setTimeout(r, 100));
        await heartbeat().catch(() => {});
      }
    },
  });

  return {
    async poll(max, waitMs) {
      if (queue.length === 0 && waitMs > 0)
        await new Promise<void>((resolve) => {
          const t = setTimeout(done, waitMs);
          function done() {
            clearTimeout(t);
            notify = null;
            resolve();
          }
          notify = done;
        });
      const out = queue.splice(0, max);
      for (const r of out) {
        const k = `${r.topic}:${r.partition}`;
        const off = BigInt(r.offset);
        const cur = returned.get(k);
        if (!cur || off > cur.offset)
          returned.set(k, { topic: phys(r.topic), partition: r.partition, offset: off });
      }
      return out;
    },
    async commit() {
      const offsets = [...returned.values()].map((r) => ({
        topic: r.topic,
        partition: r.partition,
        offset: String(r.offset + 1n),
      }));
      if (offsets.length === 0) return;
      try {
        await consumer.commitOffsets(offsets);
      } catch (e) {
        // e.g. a rebalance moved the partition: its new owner re-reads and the sink skips repeats.
        logger.warn('kafka commit failed', { group, error: e instanceof Error ? e.message : String(e) });
        throw e;
      }
    },
    async close() {
      running = false;
      await consumer.disconnect();
    },
  };
}
