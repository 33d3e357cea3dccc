// The conformance suite on a Redis Cluster, when one is given (REDIS_CLUSTER_NODES=host:port,...).
// It proves the {c:<id>} hash tags: a script touching keys of two slots fails with CROSSSLOT.
// scripts/services.sh starts a three-master local cluster (service redis-cluster) and
// scripts/services.env names its nodes, so every test run includes this suite; it is skipped
// only when REDIS_CLUSTER_NODES is not set (vitest run without scripts/with-services.sh).
import { Cluster } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { describeLedgerConformance } from './ledger.conformance.ts';
import { createRedisLedger } from './ledger-redis.ts';

const nodes = (process.env.REDIS_CLUSTER_NODES ?? '')
  .split(',')
  .filter(Boolean)
  .map((hp) => {
    const [host, port] = hp.split(':');
    return { host: host!, port: Number(port) };
  });
const run = `t${Date.now().toString(36)}:`;
let n = 0;

describe.skipIf(nodes.length === 0)('redis cluster', () => {
  afterAll(async () => {
    const c = new Cluster(nodes);
    for (const node of c.nodes('master')) {
      for (let cursor = '0'; ; ) {
        const [next, keys] = await node.scan(cursor, 'MATCH', `${run}*`, 'COUNT', 1000);
        for (const k of keys) await node.del(k);
        cursor = next;
        if (cursor === '0') break;
      }
    }
    await c.quit();
  });

  describeLedgerConformance(
    'redis cluster',
    {
      async fresh() {
        const prefix = `${run}${n++}:`;
        return async () => createRedisLedger({ redis: new Cluster(nodes), prefix, ownsClient: true });
      },
    },
    { propertyRuns: 20 },
  );

  it('spreads campaigns over the cluster slots', async () => {
    const c = new Cluster(nodes);
    const ledger = createRedisLedger({ redis: c, prefix: `${run}spread:` });
    for (let i = 0; i < 30; i++) await ledger.fund(`spread-${i}`, 1_000);
    const perNode = await Promise.all(c.nodes('master').map((m) => m.keys(`${run}spread:*acct`)));
    expect(perNode.filter((keys) => keys.length > 0).length).toBeGreaterThan(1);
    await c.quit();
  });
});
