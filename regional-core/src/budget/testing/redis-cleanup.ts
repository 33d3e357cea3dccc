// Tests key their Redis data under a per-run prefix; this removes it afterwards so the shared
// Redis is left as it was found. Standalone Redis only (a cluster node would refuse a DEL
// spanning slots: ledger-redis-cluster.int.test.ts deletes key by key).
import { Redis } from 'ioredis';

export async function deleteKeysWithPrefix(url: string, prefix: string): Promise<void> {
  const r = new Redis(url);
  try {
    for (let cursor = '0'; ; ) {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await r.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  } finally {
    await r.quit();
  }
}
