import { describe, expect, it } from 'vitest';
import { createQpsLimiter } from './qps-limiter.ts';

describe('QPS limiter', () => {
  it('allows a burst of qpsCap, then refills at qpsCap per second; 0 means uncapped', () => {
    let t = 0;
    const q = createQpsLimiter(() => t);
    expect([1, 2, 3].map(() => q.take('d', 2))).toEqual([true, true, false]);
    t = 500;
    expect(q.take('d', 2)).toBe(true);
    expect(q.take('d', 2)).toBe(false);
    expect(Array.from({ length: 100 }, () => q.take('free', 0)).every(Boolean)).toBe(true);
  });

  it('with N isolates per PoP each keeps cap/N, so together they hold the cap', () => {
    let t = 0;
    const isolates = Array.from({ length: 4 }, () => createQpsLimiter(() => t, 4));
    let calls = 0;
    // 10 s of every isolate asking every millisecond for a DSP capped at 100 QPS per PoP.
    for (t = 0; t < 10_000; t++) for (const q of isolates) if (q.take('d', 100)) calls++;
    // 4 x 25/s for 10 s, plus each isolate's first burst of 25.
    expect(calls).toBeGreaterThanOrEqual(1000);
    expect(calls).toBeLessThanOrEqual(1000 + 4 * 25);
  });

  it('a share under one call per second still lets one through per 1/share seconds', () => {
    let t = 0;
    const q = createQpsLimiter(() => t, 20); // cap 10 over 20 isolates: 0.5/s here
    expect(q.take('d', 10)).toBe(true);
    expect(q.take('d', 10)).toBe(false);
    t = 1_999;
    expect(q.take('d', 10)).toBe(false);
    t = 2_000;
    expect(q.take('d', 10)).toBe(true);
  });
});
