import { describe, expect, it } from 'vitest';
import type { TapCounts } from './core-tap.ts';
import type { DspStats } from './dsp-fleet.ts';
import type { PhaseResult } from './load-phase.ts';
import { diffCounts, gatherFacts } from './run-facts.ts';

const tap = (over: Partial<TapCounts> = {}): TapCounts => ({
  byRoute: {},
  eventsByType: {},
  dspOutcomes: {},
  noBidReasons: {},
  deliveries: 0,
  leases: {},
  spentByLease: {},
  campaignImpressionsWithoutLease: 0,
  wonByLease: {},
  eventBatches: 0,
  failed: 0,
  ...over,
});

const dsp = (bill: number, botUa: number): DspStats => ({
  id: 'dsp-1',
  port: 9101,
  received: 10,
  answered: {},
  notices: { win: 0, bill, loss: 0 },
  billedCpm: 0,
  leaks: { coppaWithIds: 0, coppaPreciseGeo: 0, gdprNoConsentWithIds: 0, botUa },
  maxInFlight: 1,
  bodyErrors: 0,
});

describe('gatherFacts', () => {
  it('counts only what happened during the run and adds up the fleet', () => {
    const phase = {
      ssp: {
        statuses: { valid: { 200: 2 }, bot: {}, malformed: {} },
        validLatencies: [3, 1, 2],
        filled: { valid: 2, bot: 0, malformed: 0 },
      },
      users: undefined,
    } as unknown as Pick<PhaseResult, 'ssp' | 'users'>;
    const f = gatherFacts({
      tmaxMs: 200,
      phase,
      tapBefore: tap({ eventsByType: { auction: 5 } }),
      tapAfter: tap({
        eventsByType: { auction: 8, win: 1 },
        leases: { L1: { campaignId: 'c', amountMicros: 10, grantedAt: 0 } },
        spentByLease: { L1: 12 },
      }),
      dsps: [dsp(1, 0), dsp(2, 1)],
      spend: undefined,
      landed: { auction: 3 },
    });
    expect(f.events.sent).toEqual({ auction: 3, win: 1 });
    expect(f.validLatency.p50).toBe(2);
    expect(f.leaks.botUa).toBe(1);
    expect(f.leases).toEqual({
      granted: 1,
      overruns: [{ leaseId: 'L1', spentMicros: 12, amountMicros: 10 }],
      withoutLease: 0,
      spentByCampaign: { c: 12 },
      wonByCampaign: {},
    });
    expect(f.trackers).toBeUndefined();
  });

  it('diffs counters key by key', () => {
    expect(diffCounts({ a: 1 }, { a: 3, b: 2 })).toEqual({ a: 2, b: 2 });
  });
});
