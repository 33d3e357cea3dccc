import { describe, expect, it } from 'vitest';
import { createRng } from './prng.ts';
import { arrivals, constantRate, spikeRate, stepRate } from './schedule.ts';

describe('arrivals', () => {
  it('hits the target rate, ordered, inside the run', () => {
    const a = arrivals(createRng(1), constantRate(200), 30);
    expect(a.length / 30).toBeGreaterThan(190);
    expect(a.length / 30).toBeLessThan(210);
    for (let i = 1; i < a.length; i++) expect(a[i]! >= a[i - 1]!).toBe(true);
    expect(a[a.length - 1]!).toBeLessThan(30_000);
  });

  it('spikes ten-fold in the window', () => {
    const a = arrivals(createRng(2), spikeRate(50, 10, 10, 5), 20);
    const inWindow = a.filter((t) => t >= 10_000 && t < 15_000).length / 5;
    const outside = a.filter((t) => t < 10_000).length / 10;
    expect(inWindow / outside).toBeGreaterThan(8);
    expect(inWindow / outside).toBeLessThan(12);
  });

  it('steps and is bounded', () => {
    const a = arrivals(createRng(3), stepRate([0, 100], 1), 2);
    expect(a.every((t) => t >= 1000)).toBe(true);
    expect(arrivals(createRng(3), constantRate(1e9), 10, 1000)).toHaveLength(1000);
  });
});
