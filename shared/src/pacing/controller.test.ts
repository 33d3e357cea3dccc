import { describe, expect, it } from 'vitest';
import { initialPi, piStep } from './controller.ts';
import { plannedSpend } from './plan.ts';

// A campaign whose edges leave half of each lease unspent for 30 minutes before it comes
// back (stranded). Grants are capped at plan(t + 5 min) + the controller's adjustment.
function simulate(withController: boolean): { errAt20h: number } {
  const B = 1_440_000_000;
  const w = { startMs: 0, endMs: 86_400_000 };
  const step = 60_000;
  let pi = initialPi();
  let spent = 0;
  const stranded: number[] = []; // released after 30 steps
  let errAt20h = 0;
  for (let t = 0; t < w.endMs; t += step) {
    const planned = plannedSpend('even', B, w, t);
    const step_ = piStep(pi, { nowMs: t, planned, actual: spent, budget: B });
    pi = step_.state;
    const adjust = withController ? step_.adjustMicros : 0;
    const cap = Math.min(B, Math.max(0, plannedSpend('even', B, w, t + 300_000) + adjust));
    const leased = stranded.reduce((a, b) => a + b, 0);
    const grant = Math.max(0, cap - spent - leased);
    spent += Math.floor(grant / 2);
    stranded.push(grant - Math.floor(grant / 2));
    if (stranded.length > 30) stranded.shift();
    if (t === 72_000_000) errAt20h = (planned - spent) / B;
  }
  return { errAt20h };
}

describe('PI pacing controller', () => {
  it('closes the gap stranded leases leave behind the plan', () => {
    const without = simulate(false);
    const withPi = simulate(true);
    expect(without.errAt20h).toBeGreaterThan(0.01); // a steady ~2% shortfall
    expect(Math.abs(withPi.errAt20h)).toBeLessThan(0.002);
  });

  it('holds back when ahead of plan and saturates (anti-windup)', () => {
    let s = initialPi();
    let out = 0;
    for (let t = 0; t <= 36_000_000; t += 60_000) {
      const r = piStep(s, { nowMs: t, planned: 0, actual: 1_000_000, budget: 1_000_000 });
      s = r.state;
      out = r.adjustMicros;
    }
    expect(out).toBe(-100_000); // capped at 10% of the budget
    // After a long saturation the integral is bounded, so it recovers quickly once on plan.
    const back = piStep(s, { nowMs: 36_060_000, planned: 500_000, actual: 500_000, budget: 1_000_000 });
    expect(back.adjustMicros).toBeGreaterThanOrEqual(-100_000);
    expect(piStep(initialPi(), { nowMs: 0, planned: 5, actual: 0, budget: 0 }).adjustMicros).toBe(0);
  });
});
