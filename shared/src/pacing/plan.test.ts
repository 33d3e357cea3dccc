import { describe, expect, it } from 'vitest';
import { planFraction, plannedRate, plannedSpend } from './plan.ts';

const w = { startMs: 0, endMs: 86_400_000 };
const B = 24_000_000;

describe('pacing plans', () => {
  it('even: a straight line from 0 to the budget', () => {
    expect(plannedSpend('even', B, w, 0)).toBe(0);
    expect(plannedSpend('even', B, w, 21_600_000)).toBe(6_000_000);
    expect(plannedSpend('even', B, w, 43_200_000)).toBe(12_000_000);
    expect(plannedSpend('even', B, w, w.endMs)).toBe(B);
    expect(plannedRate('even', B, w, 1)).toBeCloseTo(B / 86_400, 6);
  });

  it('asap: everything from the start of the window, nothing before it', () => {
    expect(plannedSpend('asap', B, w, 0)).toBe(B);
    expect(plannedSpend('asap', B, { startMs: 10, endMs: 20 }, 5)).toBe(0);
  });

  it('front-loaded: ahead of even early, meets it at the end, never decreasing', () => {
    expect(plannedSpend('front_loaded', B, w, 43_200_000)).toBe(15_000_000); // 62.5% at half time
    expect(planFraction('front_loaded', 1)).toBe(1);
    let last = 0;
    for (let t = 0; t <= w.endMs; t += 3_600_000) {
      const p = plannedSpend('front_loaded', B, w, t);
      expect(p).toBeGreaterThanOrEqual(last);
      expect(p).toBeGreaterThanOrEqual(plannedSpend('even', B, w, t));
      last = p;
    }
    expect(plannedRate('front_loaded', B, w, 0)).toBeCloseTo((1.5 * B) / 86_400, 6);
  });

  it('returns integer micros only', () => {
    for (const t of [1, 7_777, 43_210_987]) {
      expect(Number.isInteger(plannedSpend('front_loaded', 999_999_937, w, t))).toBe(true);
    }
  });
});
