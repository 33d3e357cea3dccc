// The EventLog conformance suite on the real broker (scripts/services.sh start kafka), with a
// per-run topic prefix so earlier runs' records never interfere.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@edge-rtb/shared/log';
import { afterAll } from 'vitest';
import { createKafkaLog } from './kafka-log.ts';
import { logConformance } from './log.conformance.ts';
import { deleteTopicsWithPrefix } from './testing/kafka-cleanup.ts';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
const outboxDir = await mkdtemp(join(tmpdir(), 'kafka-outbox-'));
const prefix = `t${Date.now()}.`;

logConformance('kafka', {
  open: async () => {
    const log = createKafkaLog({ brokers, outboxDir, prefix, logger: createLogger({}, 'error') });
    await log.start();
    return log;
  },
});

afterAll(() => deleteTopicsWithPrefix(brokers, prefix));
