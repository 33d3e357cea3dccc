import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bpsOf, cpmToMicros, impressionCost, isMicros, microsToCpm } from './money.ts';

describe('money', () => {
  it('converts wire CPM floats to integer micros and back', () => {
    expect(cpmToMicros(2.5)).toBe(2_500_000);
    expect(cpmToMicros(0.000001)).toBe(1);
    expect(cpmToMicros(1.1)).toBe(1_100_000);
    expect(microsToCpm(2_500_000)).toBe(2.5);
    expect(() => cpmToMicros(-1)).toThrow(RangeError);
    expect(() => cpmToMicros(Number.NaN)).toThrow(RangeError);
  });
  it('round-trips any 6-decimal price', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000 }), (m) => cpmToMicros(microsToCpm(m)) === m),
    );
  });
  it('rounds any price the way the decimal form of its micros does', () => {
    expect(cpmToMicros(2.675)).toBe(2_675_000);
    expect(cpmToMicros(0.0000005)).toBe(1);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e9, noNaN: true }), (cpm) => {
        expect(cpmToMicros(cpm)).toBe(Number((cpm * 1e6).toFixed(0)));
      }),
      { numRuns: 20_000 },
    );
  });
  it('charges an impression ceil(cpm/1000) so holds cover spend', () => {
    expect(impressionCost(2_500_000)).toBe(2500);
    expect(impressionCost(2_500_001)).toBe(2501);
    expect(bpsOf(10_000, 1500)).toBe(1500);
    expect(isMicros(1.5)).toBe(false);
    expect(isMicros(-1)).toBe(false);
    expect(isMicros(7)).toBe(true);
  });
});
