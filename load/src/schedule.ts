// Open-loop arrival schedules: when each request is due, fixed before the run starts, so
// arrivals never wait for answers (a slow edge cannot slow its own load down and hide its
// tail: no coordinated omission). Poisson arrivals at a rate that may change over time.
import type { Rng } from './prng.ts';

/** Target requests/s at second t of the run. */
export type RateFn = (tSec: number) => number;

export const constantRate =
  (qps: number): RateFn =>
  () =>
    qps;

/** `base` everywhere except `factor` x base between `fromS` and `fromS + forS` (a spike). */
export const spikeRate =
  (base: number, factor: number, fromS: number, forS: number): RateFn =>
  (t) =>
    t >= fromS && t < fromS + forS ? base * factor : base;

/** Linear steps, e.g. for rising-rate overhead runs: each step lasts `stepS`. */
export const stepRate =
  (rates: number[], stepS: number): RateFn =>
  (t) =>
    rates[Math.min(rates.length - 1, Math.floor(t / stepS))] ?? 0;

/**
 * Arrival offsets in ms from the start, Poisson with a time-varying rate (thinning is not
 * needed: the rate is piecewise constant, so each gap is drawn at the current rate).
 * Bounded by `maxArrivals` so a mistyped rate cannot run away.
 */
export function arrivals(rng: Rng, rate: RateFn, durationS: number, maxArrivals = 2_000_000): number[] {
  const out: number[] = [];
  let t = 0;
  while (out.length < maxArrivals) {
    const r = rate(t / 1000);
    if (r <= 0) {
      t += 100; // idle period: look again 100 ms later
    } else {
      t += rng.exponential(1000 / r);
    }
    if (t >= durationS * 1000) break;
    if (r > 0) out.push(t);
  }
  return out;
}
