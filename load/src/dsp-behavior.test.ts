import { describe, expect, it } from 'vitest';
import { answer, defaultProfile, instantProfile, latencyMs } from './dsp-behavior.ts';
import { percentile } from './percentiles.ts';
import { createRng } from './prng.ts';

const req = {
  id: 'r1',
  imp: [
    { id: '1', bidfloor: 0.5, banner: { w: 300, h: 250 } },
    { id: '2', video: { w: 640, h: 480 } },
  ],
  badv: ['bad.example'],
};

describe('DSP behaviour', () => {
  it('has a lognormal body with a tail', () => {
    const rng = createRng(1);
    const p = { ...defaultProfile(0), latency: { medianMs: 10, sigma: 0.5, tailShare: 0.02, tailMs: 100 } };
    const xs = Array.from({ length: 20_000 }, () => latencyMs(rng, p)).sort((a, b) => a - b);
    expect(percentile(xs, 50)).toBeGreaterThan(9);
    expect(percentile(xs, 50)).toBeLessThan(11.5);
    expect(percentile(xs, 99.5)).toBeGreaterThan(50);
  });

  it('always bids valid OpenRTB when told to, above the floor, with notices', () => {
    const rng = createRng(2);
    for (let i = 0; i < 200; i++) {
      const a = answer(rng, instantProfile(0), req);
      expect(a.kind).toBe('bids');
      const body = JSON.parse(a.body);
      const bids = body.seatbid[0].bid;
      expect(bids).toHaveLength(2);
      expect(bids[0].price).toBeGreaterThan(0.5);
      expect(bids[0].nurl).toContain('${AUCTION_PRICE}');
      expect(bids[1].adm).toContain('<VAST');
    }
  });

  it('injects the faults it is configured with', () => {
    const rng = createRng(3);
    const p = {
      ...defaultProfile(0),
      errorRate: 0.2,
      timeoutRate: 0.2,
      malformedRate: 0.2,
      violationRate: 0.5,
    };
    const kinds = new Map<string, number>();
    for (let i = 0; i < 5000; i++) {
      const k = answer(rng, p, req).kind;
      kinds.set(k, (kinds.get(k) ?? 0) + 1);
    }
    for (const k of ['error', 'hang', 'malformed', 'violation', 'bids'])
      expect(kinds.get(k) ?? 0).toBeGreaterThan(300);
  });

  it('adds the slow-DSP delay', () => {
    const p = { ...instantProfile(0, 1), extraDelayMs: 300 };
    expect(answer(createRng(4), p, req).delayMs).toBeGreaterThan(300);
  });
});
