import { describe, expect, it } from 'vitest';
import { emptyLedger, leaseOverruns, recordEventBatch, recordLeaseGrant } from './tap-ledger.ts';

const batch = (events: unknown[]) => JSON.stringify({ events });

describe('tap ledger', () => {
  it('counts distinct events, by bidder kind for trackers', () => {
    const l = emptyLedger();
    const evs = [
      {
        type: 'auction',
        id: 'a1',
        dsps: [{ outcome: 'bid' }, { outcome: 'timeout', reason: 'deadline passed' }],
      },
      { type: 'impression', id: 'i1', bidderKind: 'dsp' },
      { type: 'impression', id: 'i1', bidderKind: 'dsp' }, // burl and pixel share the id
    ];
    recordEventBatch(l, batch(evs));
    recordEventBatch(l, batch(evs)); // a retried batch
    recordEventBatch(l, '{nope');
    expect(l.eventsByType).toEqual({ auction: 1, impression: 1, 'impression(dsp)': 1, unparsed: 1 });
    expect(l.dspOutcomes).toEqual({ bid: 1, 'timeout:deadline passed': 1 });
    expect(l.noBidReasons).toEqual({ sold: 1 });
    expect(l.deliveries).toBe(6);
  });

  it('hands each distinct auction its slowest DSP call, handler time and start', () => {
    const l = emptyLedger();
    const got: Array<[string, unknown]> = [];
    const evs = [
      {
        type: 'auction',
        id: 'a1:auction',
        auctionId: 'a1',
        ts: 1_000,
        durationMs: 9,
        dsps: [
          { outcome: 'bid', latencyMs: 6 },
          { outcome: 'bid', latencyMs: 7 },
          { outcome: 'filtered', latencyMs: 0 },
        ],
      },
      { type: 'auction', id: 'a2:auction', auctionId: 'a2', durationMs: 1, dsps: [] },
    ];
    recordEventBatch(l, batch(evs), (id, t) => got.push([id, t]));
    recordEventBatch(l, batch(evs), (id, t) => got.push([id, t])); // a retried batch: no repeats
    expect(got).toEqual([
      ['a1', { slowestDspMs: 7, durationMs: 9, startedAtMs: 1_000 }],
      ['a2', { slowestDspMs: 0, durationMs: 1, startedAtMs: Number.NaN }],
    ]);
  });

  it('finds spend beyond a lease, on an unknown lease, and outside any lease', () => {
    const l = emptyLedger();
    recordLeaseGrant(
      l,
      JSON.stringify({ lease: { id: 'L1', campaignId: 'c', amountMicros: 1000 }, token: 't' }),
      1,
    );
    recordLeaseGrant(l, JSON.stringify({ lease: null, reason: 'paced', retryAfterMs: 10 }), 2);
    const imp = (id: string, leaseId: string | undefined, amountMicros: number) => ({
      type: 'impression',
      id,
      bidderKind: 'campaign',
      ...(leaseId ? { leaseId } : {}),
      amountMicros,
    });
    recordEventBatch(l, batch([imp('i1', 'L1', 600), imp('i2', 'L1', 300)]));
    expect(leaseOverruns(l)).toEqual([]);
    recordEventBatch(l, batch([imp('i3', 'L1', 200), imp('i4', 'L9', 5), imp('i5', undefined, 5)]));
    expect(leaseOverruns(l)).toEqual([
      { leaseId: 'L1', spentMicros: 1100, amountMicros: 1000 },
      { leaseId: 'L9', spentMicros: 5, amountMicros: undefined },
    ]);
    expect(l.campaignImpressionsWithoutLease).toBe(1);
  });

  it('adds up what own-campaign wins cost per lease, at the rounded-up impression cost, once per win', () => {
    const l = emptyLedger();
    const win = (id: string, leaseId: string | undefined, clearingCpmMicros: number) => ({
      type: 'win',
      id,
      bidderKind: 'campaign',
      ...(leaseId ? { leaseId } : {}),
      clearingCpmMicros,
    });
    const b = batch([
      win('w1', 'L1', 2_000_001),
      win('w2', 'L1', 1_000_000),
      win('w3', undefined, 5_000_000),
    ]);
    recordEventBatch(l, b);
    recordEventBatch(l, b); // a retried batch
    expect(l.wonByLease).toEqual({ L1: 2_001 + 1_000 });
  });
});
