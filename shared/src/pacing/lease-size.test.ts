import { describe, expect, it } from 'vitest';
import { DEFAULT_SIZING, leaseSize, MIN_RATE_WINDOW_MS, observeSpend, ratePerSecond } from './lease-size.ts';

const TAU = 300_000;

describe('lease sizing', () => {
  it('learns the spend rate from settles', () => {
    let r = null;
    // 60_000 micros settled every 60 s = 1_000 micros/s.
    for (let t = 0; t <= 3_600_000; t += 60_000) r = observeSpend(r, t, 60_000, TAU);
    expect(ratePerSecond(r, 3_600_000, TAU)).toBeGreaterThan(950);
    expect(ratePerSecond(r, 3_600_000, TAU)).toBeLessThan(1_250);
    // It fades when the spend stops.
    expect(ratePerSecond(r, 3_600_000 + 30 * 60_000, TAU)).toBeLessThan(10);
  });

  it('reads a young holder at its real rate, not sum / tau', () => {
    // 1_000 micros/s from t=0, settled every 10 s: the first settle already gives ~1_000/s
    // (sum / tau would say 33/s and size the next lease at 2 s of spend).
    const r1 = observeSpend(null, 10_000, 10_000, TAU, 0);
    expect(ratePerSecond(r1, 10_000, TAU)).toBeGreaterThan(990);
    expect(ratePerSecond(r1, 10_000, TAU)).toBeLessThan(1_050);
    let r = r1;
    for (let t = 20_000; t <= 120_000; t += 10_000) r = observeSpend(r, t, 10_000, TAU, t - 10_000);
    expect(ratePerSecond(r, 120_000, TAU)).toBeGreaterThan(990);
    expect(ratePerSecond(r, 120_000, TAU)).toBeLessThan(1_050);
    // One lease spent in a 100 ms burst is read over at least MIN_RATE_WINDOW_MS.
    const burst = observeSpend(null, 100, 50_000, TAU, 0);
    expect(ratePerSecond(burst, 100, TAU)).toBeLessThan(((50_000 * 1000) / MIN_RATE_WINDOW_MS) * 1.01);
  });

  it('aims for targetSeconds of spend, within min and max', () => {
    expect(leaseSize(1_000, 1e12)).toBe(60_000);
    expect(leaseSize(0, 1e12)).toBe(DEFAULT_SIZING.minMicros);
    expect(leaseSize(1e9, 1e15)).toBe(DEFAULT_SIZING.maxMicros);
  });

  it('shrinks near the end of the budget to strand less', () => {
    expect(leaseSize(1_000, 400_000)).toBe(40_000); // 10% of what remains
    expect(leaseSize(1_000, 50_000)).toBe(10_000); // never below one minimum lease...
    expect(leaseSize(1_000, 4_000)).toBe(4_000); // ...nor above what is left
    expect(leaseSize(1_000, 0)).toBe(0);
  });
});
