import { type Consumer, Kafka, logLevel, type Producer } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { runId, serviceEnv } from './env.ts';

// The event pipeline's contract with the broker: an idempotent, keyed producer with
// acks from all replicas, and a consumer group that reads every message back in order
// per key.
describe('Kafka (kafkajs) on the local broker', () => {
  const kafka = new Kafka({
    clientId: 'edge-rtb-smoke',
    brokers: serviceEnv('KAFKA_BROKERS').split(','),
    logLevel: logLevel.NOTHING,
  });
  const topic = `smoke-events-${runId}`;
  const admin = kafka.admin();
  let producer: Producer | undefined;
  let consumer: Consumer | undefined;

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  });

  it('produces keyed messages idempotently and consumes them all back', async () => {
    await admin.connect();
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true })).toBe(
      true,
    );

    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const sent = Array.from({ length: 30 }, (_, i) => ({
      key: `campaign-${i % 3}`,
      value: JSON.stringify({ eventId: `${runId}-${i}`, seq: i }),
    }));
    const metadata = await producer.send({ topic, acks: -1, messages: sent });
    expect(metadata.every((m) => m.errorCode === 0)).toBe(true);

    consumer = kafka.consumer({ groupId: `smoke-${runId}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: { key: string; seq: number; partition: number }[] = [];
    const allIn = new Promise<void>((resolve) => {
      consumer!.run({
        eachMessage: async ({ message, partition }) => {
          const { seq } = JSON.parse(message.value!.toString()) as { seq: number };
          received.push({ key: message.key!.toString(), seq, partition });
          if (received.length === sent.length) resolve();
        },
      });
    });
    await allIn;

    expect(received.map((r) => r.seq).sort((a, b) => a - b)).toEqual(sent.map((_, i) => i));
    for (const k of ['campaign-0', 'campaign-1', 'campaign-2']) {
      const forKey = received.filter((r) => r.key === k);
      // one key, one partition, in the order produced
      expect(new Set(forKey.map((r) => r.partition)).size).toBe(1);
      expect(forKey.map((r) => r.seq)).toEqual([...forKey.map((r) => r.seq)].sort((a, b) => a - b));
    }
  });
});
