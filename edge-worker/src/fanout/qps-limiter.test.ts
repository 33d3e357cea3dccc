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
});
