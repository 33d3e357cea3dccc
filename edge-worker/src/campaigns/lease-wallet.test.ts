import type { LeaseRequest, LeaseResponse, SettleRequest } from '@edge-rtb/shared/lease-api';
import { describe, expect, it } from 'vitest';
import type { LeaseClient } from './lease-client.ts';
import { createLeaseWallet, type HoldTicket } from './lease-wallet.ts';

function fakeCore(grant = 10_000, ttl = 60_000, now = () => 0) {
  let n = 0;
  const requests: LeaseRequest[] = [];
  const settles: Array<SettleRequest & { id: string }> = [];
  let deny = false;
  const client: LeaseClient = {
    async request(body) {
      requests.push(body);
      if (deny)
        return { lease: null, reason: 'budget_exhausted', retryAfterMs: 5_000 } satisfies LeaseResponse;
      const id = `L${++n}`;
      return {
        lease: { id, campaignId: body.campaignId, amountMicros: grant, expiresAt: now() + ttl, kid: 'k' },
        token: `tok-${id}`,
      };
    },
    async settle(id, body) {
      settles.push({ ...body, id });
      return { leaseId: id, spentMicros: body.spentMicros, releasedMicros: 0, applied: true };
    },
  };
  return { client, requests, settles, denyAll: () => (deny = true) };
}

function collector() {
  const pending: Promise<unknown>[] = [];
  return { waitUntil: (p: Promise<unknown>) => pending.push(p), drain: () => Promise.all(pending.splice(0)) };
}

describe('lease wallet', () => {
  it('no lease: sits out and fetches one in the background; then holds, releases and spends', async () => {
    const core = fakeCore();
    const w = createLeaseWallet({ client: core.client, holder: 'pop:1', now: () => 0 });
    const bg = collector();
    expect(w.hold('c', 2_000, bg.waitUntil)).toEqual({ reason: 'lease_empty' });
    expect(w.hold('c', 2_000, bg.waitUntil)).toEqual({ reason: 'lease_empty' });
    await bg.drain();
    expect(core.requests).toHaveLength(1); // one fetch in flight at a time
    const a = w.hold('c', 2_000, bg.waitUntil) as HoldTicket;
    const b = w.hold('c', 3_000, bg.waitUntil) as HoldTicket;
    expect(w.inspect('c')).toMatchObject({ leaseId: 'L1', held: 5_000, available: 5_000 });
    w.release(a, bg.waitUntil);
    w.spend(b, 1_500, bg.waitUntil);
    w.spend(b, 1_500, bg.waitUntil); // a ticket ends once
    expect(w.inspect('c')).toMatchObject({ held: 0, spent: 1_500, available: 8_500 });
  });

  it('prefetches the next lease when low, swaps when dry, settles the old one once idle', async () => {
    const core = fakeCore(10_000);
    const w = createLeaseWallet({ client: core.client, holder: 'pop:1', prefetchBelow: 0.3, now: () => 0 });
    const bg = collector();
    w.hold('c', 1, bg.waitUntil);
    await bg.drain();
    const big = w.hold('c', 7_500, bg.waitUntil) as HoldTicket; // 2_500 left < 30%
    await bg.drain();
    expect(w.inspect('c').nextLeaseId).toBe('L2');
    const next = w.hold('c', 3_000, bg.waitUntil) as HoldTicket; // does not fit L1: moves to L2
    expect(next.leaseId).toBe('L2');
    expect(core.settles).toHaveLength(0); // L1 still has a hold on it
    w.spend(big, 7_000, bg.waitUntil);
    await bg.drain();
    expect(core.settles).toEqual([{ id: 'L1', token: 'tok-L1', spentMicros: 7_000 }]);
    w.release(next, bg.waitUntil);
  });

  it('never spends an expired lease, settles it, and respects denials', async () => {
    let t = 0;
    const core = fakeCore(10_000, 5_000, () => t);
    const w = createLeaseWallet({
      client: core.client,
      holder: 'h',
      now: () => t,
      expirySkewMs: 1_000,
      retryMs: 100,
    });
    const bg = collector();
    w.hold('c', 1, bg.waitUntil);
    await bg.drain();
    const h = w.hold('c', 1_000, bg.waitUntil) as HoldTicket;
    w.spend(h, 1_000, bg.waitUntil);
    t = 4_500; // inside the skew margin before expiry
    core.denyAll();
    expect(w.hold('c', 1, bg.waitUntil)).toEqual({ reason: 'lease_empty' });
    await bg.drain();
    expect(core.settles).toEqual([{ id: 'L1', token: 'tok-L1', spentMicros: 1_000 }]);
    expect(w.hold('c', 1, bg.waitUntil)).toMatchObject({ reason: 'lease_denied' });
    await bg.drain();
    expect(core.requests).toHaveLength(2); // no retry before retryAfterMs
  });

  it('sweep settles a lease that expired while its campaign was idle', async () => {
    let t = 0;
    const core = fakeCore(10_000, 5_000, () => t);
    const w = createLeaseWallet({ client: core.client, holder: 'h', now: () => t, expirySkewMs: 1_000 });
    const bg = collector();
    w.hold('idle', 1, bg.waitUntil);
    await bg.drain();
    const h = w.hold('idle', 2_000, bg.waitUntil) as HoldTicket;
    w.spend(h, 2_000, bg.waitUntil);
    t = 3_000;
    w.sweep(bg.waitUntil);
    expect(core.settles).toHaveLength(0); // still usable
    t = 4_500;
    w.sweep(bg.waitUntil);
    await bg.drain();
    expect(core.settles).toEqual([{ id: 'L1', token: 'tok-L1', spentMicros: 2_000 }]);
    expect(w.inspect('idle').leaseId).toBeUndefined();
  });
});
