import { describe, expect, it } from 'vitest';
import {
  auctionsRecorded,
  botsNotSold,
  dspsBilled,
  evaluate,
  exitCode,
  type Invariant,
  no5xx,
  noLostEvents,
  noOverspend,
  p99WithinTmax,
  type RunFacts,
  STANDARD,
  spentWithinLeases,
  trackersAccepted,
  trackersBecameEvents,
} from './invariants.ts';
import { summarize } from './percentiles.ts';

const healthy = (): RunFacts => ({
  tmaxMs: 200,
  statuses: { valid: { 200: 900, 204: 100 }, bot: { 204: 30 }, malformed: { 400: 10 } },
  filled: { valid: 800, bot: 0, malformed: 0 },
  validLatency: summarize(Array.from({ length: 1000 }, (_, i) => 5 + (i % 50))),
  spend: [{ campaignId: 'c1', budgetMicros: 1_000_000, spentMicros: 999_999 }],
  events: {
    sent: { auction: 1030, impression: 50, click: 2 },
    landed: { auction: 1030, impression: 50, click: 2 },
  },
  leaks: { coppaWithIds: 0, botUa: 0 },
  leases: { granted: 4, overruns: [], withoutLease: 0 },
});

describe('invariants', () => {
  it('all hold on a healthy run', () => {
    const r = evaluate(healthy(), STANDARD);
    expect(r.verdicts.filter((v) => !v.ok)).toEqual([]);
    expect(exitCode(r.verdicts)).toBe(0);
  });

  it('catch overspend by one micro', () => {
    const f = healthy();
    f.spend = [{ campaignId: 'c1', budgetMicros: 10, spentMicros: 11 }];
    expect(noOverspend(f)).toMatchObject({ ok: false, detail: 'c1 spent 11 > budget 10 micros' });
  });

  it('catch lost and duplicated events, and missing counts', () => {
    const f = healthy();
    f.events.landed = { impression: 49, click: 3 };
    expect(noLostEvents(f).detail).toBe('impression: 1 of 50 lost; click: 1 duplicates (3 landed, 2 sent)');
    f.events.landed = undefined;
    expect(noLostEvents(f).ok).toBe(false);
  });

  it('catch 5xx and connection errors', () => {
    const f = healthy();
    f.statuses.bot = { 503: 1 };
    expect(no5xx(f).ok).toBe(false);
    f.statuses.bot = { 0: 1 };
    expect(no5xx(f).ok).toBe(false);
  });

  it('catch a P99 past tmax and client timeouts', () => {
    const f = healthy();
    f.tmaxMs = 20;
    expect(p99WithinTmax(f).ok).toBe(false);
    const g = healthy();
    g.statuses.valid[-1] = 1;
    expect(p99WithinTmax(g).ok).toBe(false);
  });

  it('catch accepted trackers that never became events', () => {
    const f = { ...healthy(), trackers: { impression: 51, click: 2 } };
    expect(trackersBecameEvents(f)).toMatchObject({
      ok: false,
      detail: 'impression: 51 accepted, 50 events delivered to the core',
    });
    expect(trackersBecameEvents({ ...healthy(), trackers: { impression: 50 } }).ok).toBe(true);
  });

  it('catch tracker calls the edge refused', () => {
    const f = { ...healthy(), trackerCalls: { sent: 10, failed: 10, failures: { 'impression 403': 10 } } };
    expect(trackersAccepted(f)).toMatchObject({
      ok: false,
      detail: '10 of 10 tracker calls failed: {"impression 403":10}',
    });
  });

  it('catch billing notices that never reached the DSP', () => {
    expect(dspsBilled({ ...healthy(), dspBilling: { accepted: 5, received: 4 } })).toMatchObject({
      ok: false,
    });
    expect(dspsBilled({ ...healthy(), dspBilling: { accepted: 5, received: 5 } }).ok).toBe(true);
  });

  it('catch answered auctions that left no auction event', () => {
    const f = healthy();
    f.events.sent.auction = 1029;
    expect(auctionsRecorded(f)).toMatchObject({
      ok: false,
      detail: '1030 auctions answered, 1029 auction events delivered to the core (1 missing)',
    });
    f.events.sent.auction = 1030;
    expect(auctionsRecorded(f).ok).toBe(true);
  });

  it('catch bot traffic that was sold', () => {
    const f = healthy();
    f.statuses.bot = { 200: 2, 204: 28 };
    f.filled.bot = 2;
    expect(botsNotSold(f)).toMatchObject({ ok: false });
    expect(botsNotSold(healthy()).ok).toBe(true);
  });

  it('catch a lease that paid for more than it held, or spend outside leases', () => {
    const f = healthy();
    f.leases = {
      granted: 3,
      overruns: [{ leaseId: 'L1', spentMicros: 11, amountMicros: 10 }],
      withoutLease: 0,
    };
    expect(spentWithinLeases(f)).toMatchObject({ ok: false, detail: 'L1: spent 11 > leased 10 micros' });
    f.leases = { granted: 3, overruns: [], withoutLease: 2 };
    expect(spentWithinLeases(f).ok).toBe(false);
    f.leases = undefined;
    expect(spentWithinLeases(f).ok).toBe(false);
  });

  it('fail the run when an invariant is deliberately broken', () => {
    const broken: Invariant = () => ({ name: 'deliberately broken', ok: false, detail: 'always fails' });
    const r = evaluate(healthy(), [...STANDARD, broken]);
    expect(r.ok).toBe(false);
    expect(exitCode(r.verdicts)).toBe(1);
  });

  it('turn a throwing check into a failure, not a crash', () => {
    const throws: Invariant = () => {
      throw new Error('boom');
    };
    expect(evaluate(healthy(), [throws]).verdicts[0]).toMatchObject({
      ok: false,
      detail: 'check threw: Error: boom',
    });
  });
});
