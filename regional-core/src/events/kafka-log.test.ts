// The outbox without a broker: appends are durable (and answered) while Kafka is unreachable.
// Replay into a real broker is covered by pipeline.int.test.ts.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@edge-rtb/shared/log';
import { describe, expect, it } from 'vitest';
import { createKafkaLog } from './kafka-log.ts';
import { createLocalLog } from './local-log.ts';
import { ALL_TOPICS, TOPICS } from './log.ts';

describe('kafka log without a broker', () => {
  it('puts appends in the outbox, in order, and answers at once', async () => {
    const outboxDir = await mkdtemp(join(tmpdir(), 'outbox-'));
    const log = createKafkaLog({ brokers: ['127.0.0.1:9'], outboxDir, logger: createLogger({}, 'error') });
    await log.start();
    const started = Date.now();
    for (let i = 0; i < 20; i++)
      await log.append([{ topic: TOPICS.bids, key: `k${i}`, value: `{"i":${i}}` }]);
    expect(Date.now() - started).toBeLessThan(2000); // no per-append wait on the dead broker
    expect(log.health().ok).toBe(false);
    expect(log.outboxPending()).not.toBe(0);
    await log.close();
    const outbox = createLocalLog({ dir: outboxDir });
    await outbox.start();
    const c = await outbox.consumer('kafka-replay', ALL_TOPICS);
    expect((await c.poll(100, 0)).map((r) => r.key)).toEqual(Array.from({ length: 20 }, (_, i) => `k${i}`));
    await outbox.close();
  }, 20_000);
});
