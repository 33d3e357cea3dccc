import { describe, expect, it } from 'vitest';
import { NOTICE_LEDGER_SHARDS, noticeLedgerName } from './ledger-name.ts';
import { ledgerOwner, parseInstanceRing } from './ledger-owner.ts';

const KEY = 'k'.repeat(32);

describe('instance ring (self-hosted on several workerd processes)', () => {
  it('is off when nothing is configured', () => {
    expect(parseInstanceRing({})).toEqual({ ok: true, value: null });
  });

  it('reads this instance, its peers and the relay key', () => {
    const r = parseInstanceRing({
      EDGE_INSTANCE: '1',
      EDGE_PEERS: 'http://127.0.0.1:8788, http://127.0.0.1:8789/',
      EDGE_PEER_KEY: KEY,
    });
    expect(r).toEqual({
      ok: true,
      value: { self: 1, peers: ['http://127.0.0.1:8788', 'http://127.0.0.1:8789'], key: KEY },
    });
  });

  it.each([
    [{ EDGE_INSTANCE: '2', EDGE_PEERS: 'http://a:1,http://b:2', EDGE_PEER_KEY: KEY }, /EDGE_INSTANCE/],
    [{ EDGE_INSTANCE: 'x', EDGE_PEERS: 'http://a:1', EDGE_PEER_KEY: KEY }, /EDGE_INSTANCE/],
    [{ EDGE_INSTANCE: '0', EDGE_PEER_KEY: KEY }, /EDGE_PEERS/],
    [{ EDGE_INSTANCE: '0', EDGE_PEERS: 'http://a:1/path', EDGE_PEER_KEY: KEY }, /EDGE_PEERS/],
    [{ EDGE_INSTANCE: '0', EDGE_PEERS: 'http://a:1', EDGE_PEER_KEY: 'short' }, /EDGE_PEER_KEY/],
    [{ EDGE_PEERS: 'http://a:1', EDGE_PEER_KEY: KEY }, /EDGE_INSTANCE/],
  ])('refuses a half or wrong configuration %#', (env, why) => {
    const r = parseInstanceRing(env);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(why);
  });

  it('gives every ledger shard one owner, spread over the instances', () => {
    for (const n of [1, 2, 3, 4]) {
      const counts = new Array<number>(n).fill(0);
      for (let k = 0; k < NOTICE_LEDGER_SHARDS; k++) {
        const name = `notice-ledger:${k}`;
        const owner = ledgerOwner(name, n);
        expect(owner).toBe(ledgerOwner(name, n));
        counts[owner]! += 1;
      }
      // 64 shards: no instance is left without shards or given more than twice its share.
      for (const c of counts) {
        expect(c).toBeGreaterThan(0);
        expect(c).toBeLessThanOrEqual((2 * NOTICE_LEDGER_SHARDS) / n);
      }
    }
    expect(ledgerOwner(noticeLedgerName('auction-1'), 1)).toBe(0);
  });
});
