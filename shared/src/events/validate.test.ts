import { describe, expect, it } from 'vitest';
import { eventId, parseEventBatch, validateEvent } from '../events.ts';
import { sampleAuction, sampleLease } from './sample.ts';

describe('event validation', () => {
  it('accepts every sample event type', () => {
    const events = [
      ...sampleAuction(7),
      ...sampleAuction(8, { noBid: true }),
      sampleLease('L1', 'c1', 'settled', 5, 3),
    ];
    expect(new Set(events.map((e) => e.type))).toEqual(
      new Set(['auction', 'bid', 'win', 'loss', 'impression', 'lease']),
    );
    for (const e of events) expect(validateEvent(e)).toEqual([]);
    const r = parseEventBatch({ events });
    expect(r.ok).toBe(true);
  });

  it('gives field and reason for each problem', () => {
    const [auction, bid] = sampleAuction(1);
    const badBid = { ...bid, priceCpmMicros: 1.5, bidderKind: 'robot' };
    const badAuction = { ...auction, dsps: [{ dspId: 'd', latencyMs: -1, outcome: 'bid', bids: 0 }] };
    const r = parseEventBatch({ events: [badAuction, badBid, { v: 2, type: 'nope' }] });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual(
      expect.arrayContaining([
        { index: 0, id: 'a1:auction', field: 'events.0.dsps.0.latencyMs', reason: 'must be a number >= 0' },
        {
          index: 1,
          id: 'a1:bid:b0',
          field: 'events.1.priceCpmMicros',
          reason: 'must be integer micros >= 0',
        },
        { index: 1, id: 'a1:bid:b0', field: 'events.1.bidderKind', reason: 'must be one of dsp, campaign' },
        { index: 2, field: 'events.2.v', reason: 'must be 1 (schema version)' },
        expect.objectContaining({ index: 2, field: 'events.2.type' }),
      ]),
    );
  });

  it('rejects a body without events and allows unknown (additive) fields', () => {
    expect(parseEventBatch(null).ok).toBe(false);
    expect(parseEventBatch({ events: [] }).ok).toBe(false);
    expect(parseEventBatch({ events: 'x' }).ok).toBe(false);
    const [auction] = sampleAuction(2);
    expect(validateEvent({ ...auction, futureField: 1 })).toEqual([]);
    const { sspId: _drop, ...noSsp } = auction as { sspId: string };
    expect(validateEvent(noSsp)).toEqual([{ field: 'sspId', reason: 'is required' }]);
  });

  it('derives stable ids from what the event describes', () => {
    expect(eventId('a9', 'win', '1')).toBe('a9:win:1');
    expect(sampleAuction(3).map((e) => e.id)).toEqual(sampleAuction(3).map((e) => e.id));
  });

  it('a loss event may carry its lurl for the core to call: http(s), at most 2048 characters', () => {
    const l = sampleAuction(3).find((e) => e.type === 'loss')!;
    expect(validateEvent({ ...l, lurl: 'https://dsp.example/loss?c=102' })).toEqual([]);
    expect(validateEvent({ ...l, lurl: 'javascript:alert(1)' })).toEqual([
      { field: 'lurl', reason: 'must be an http(s) URL' },
    ]);
    expect(validateEvent({ ...l, lurl: `https://dsp.example/?${'x'.repeat(2048)}` })).toEqual([
      { field: 'lurl', reason: 'longer than 2048' },
    ]);
  });
});
