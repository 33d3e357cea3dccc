// A lease whose answer is lost must not be granted twice (issue #4): in workerd, the edge's
// lease client against the stub core's real HTTP lease endpoint, which books the grant and then
// answers later than the client waits.
import { describe, expect, it } from 'vitest';
import { CAMPAIGN_IDS, EDGE_TOKEN } from '../../test/fixtures/constants.ts';
import { ownCampaign } from '../../test/fixtures/snapshot.ts';
import { tenant } from '../../test/helpers.ts';
import { httpLeaseClient } from './lease-client.ts';
import { createLeaseWallet } from './lease-wallet.ts';

const C = CAMPAIGN_IDS.funded;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function harness(coreUrl: string) {
  const pending: Array<Promise<unknown>> = [];
  const waitUntil = (p: Promise<unknown>) => void pending.push(p);
  const settled = async () => {
    while (pending.length) await Promise.allSettled(pending.splice(0));
  };
  // 150 ms client timeout and 50 ms wallet backoff stand in for the deployed 3 s and 1 s.
  const wallet = createLeaseWallet({
    client: httpLeaseClient(coreUrl, EDGE_TOKEN, 150),
    holder: 'pop-t:1',
    retryMs: 50,
  });
  return { wallet, waitUntil, settled };
}

describe('lease requests are idempotent across a lost answer', () => {
  it('a grant whose answer timed out is picked up by the retry with the same key: one lease, not two', async () => {
    const t = await tenant(
      'lease-lost-answer',
      { dsps: [], campaigns: [ownCampaign()] },
      { leaseGrantMicros: 5_000, leaseAnswerDelaysMs: [600] },
    );
    const { wallet, waitUntil, settled } = harness(t.env.CORE_URL);

    // No lease: the wallet asks; the core grants but its answer comes after the client gave up.
    expect(wallet.hold(C, 2_000, waitUntil)).toEqual({ reason: 'lease_empty' });
    await settled();
    let rec = await t.recorded();
    expect(rec.leasesGranted).toHaveLength(1);
    // Within the wallet's backoff nothing is asked again.
    expect(wallet.hold(C, 2_000, waitUntil)).toMatchObject({ reason: 'lease_denied' });
    await sleep(60);
    // The retry carries the same key, and the core answers the lease it already granted.
    expect(wallet.hold(C, 2_000, waitUntil)).toEqual({ reason: 'lease_empty' });
    await settled();
    const ticket = wallet.hold(C, 2_000, waitUntil);
    rec = await t.recorded();
    expect(rec.leaseRequests).toHaveLength(2);
    const [a, b] = rec.leaseRequests;
    expect(a!.idempotencyKey).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    expect(b!.idempotencyKey).toBe(a!.idempotencyKey);
    expect(rec.leasesGranted).toHaveLength(1);
    expect(ticket).toMatchObject({ leaseId: rec.leasesGranted[0], amountMicros: 2_000 });

    // The next logical request (the prefetch once the lease runs low) is a new key and a new lease.
    const second = wallet.hold(C, 2_000, waitUntil);
    expect(second).toMatchObject({ leaseId: rec.leasesGranted[0] });
    await settled();
    rec = await t.recorded();
    expect(rec.leaseRequests).toHaveLength(3);
    expect(rec.leaseRequests[2]!.idempotencyKey).not.toBe(a!.idempotencyKey);
    expect(rec.leasesGranted).toHaveLength(2);
    expect(wallet.inspect(C).nextLeaseId).toBe(rec.leasesGranted[1]);
  });

  it('an answered request does not reuse its key, granted or denied', async () => {
    const t = await tenant('lease-keys-fresh', {
      dsps: [],
      campaigns: [ownCampaign(), ownCampaign({ id: CAMPAIGN_IDS.denied })],
    });
    const client = httpLeaseClient(t.env.CORE_URL, EDGE_TOKEN, 1_000);
    const denied = { campaignId: CAMPAIGN_IDS.denied, holder: 'pop-t:2' };
    expect(await client.request(denied)).toMatchObject({ lease: null, reason: 'budget_exhausted' });
    expect(await client.request(denied)).toMatchObject({ lease: null });
    const granted = { campaignId: C, holder: 'pop-t:2' };
    expect(await client.request(granted)).toMatchObject({ lease: { campaignId: C } });
    expect(await client.request(granted)).toMatchObject({ lease: { campaignId: C } });
    const rec = await t.recorded();
    const keys = rec.leaseRequests.map((r) => r.idempotencyKey);
    expect(new Set(keys).size).toBe(4);
    expect(rec.leasesGranted).toHaveLength(2);
  });
});
