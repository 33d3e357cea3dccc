// Pacing plans: how much of a budget may be committed by time t within a window (the
// flight for the total budget, the local day for the daily budget). Pure integer-micros math.
import type { Micros } from '../money.ts';

export type PacingMode = 'even' | 'asap' | 'front_loaded';

/** Front-loaded: spend rate starts at (1 + w) x even and falls linearly to (1 - w) x even. */
export const FRONT_LOAD_WEIGHT = 0.5;

/** Share of the budget allowed once `x` (0..1) of the window has passed. */
export function planFraction(mode: PacingMode, x: number): number {
  const u = Math.min(1, Math.max(0, x));
  switch (mode) {
    case 'asap':
      return 1;
    case 'even':
      return u;
    case 'front_loaded':
      return (1 + FRONT_LOAD_WEIGHT) * u - FRONT_LOAD_WEIGHT * u * u;
  }
}

export interface Window {
  startMs: number;
  endMs: number;
}

/** Cumulative micros the plan allows by time t (0 before the window, all of it after). */
export function plannedSpend(mode: PacingMode, budget: Micros, w: Window, t: number): Micros {
  if (t >= w.endMs) return budget;
  if (t < w.startMs) return 0;
  return Math.min(budget, Math.floor(budget * planFraction(mode, (t - w.startMs) / (w.endMs - w.startMs))));
}

/** The plan's spend rate at t, micros per second (what a lease should carry when nothing else is known). */
export function plannedRate(mode: PacingMode, budget: Micros, w: Window, t: number): number {
  const len = w.endMs - w.startMs;
  if (t < w.startMs || t >= w.endMs || len <= 0) return 0;
  const x = (t - w.startMs) / len;
  const slope = mode === 'front_loaded' ? 1 + FRONT_LOAD_WEIGHT - 2 * FRONT_LOAD_WEIGHT * x : 1;
  // ASAP has no natural rate; the even rate is a sane lease size for it.
  return (budget * slope * 1000) / len;
}
