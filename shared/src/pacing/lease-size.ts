// How big a lease should be. Big leases mean few round trips to the core; small ones mean
// little money stranded on an edge when the lease ends unspent. So: aim for a lease that
// lasts `targetSeconds` at the holder's recent spend rate, and shrink it as the budget runs
// out, so the last micros are spread over holders instead of parked with one.
import type { Micros } from '../money.ts';

/**
 * Exponentially decayed sum of spend since `sinceMs`, when the holder started spending. The rate
 * is the sum over the decayed length of that window, so a young holder is not read as slow:
 * sum / tau alone reads a holder that has spent for 10 s at 3% of its rate, and sizes its next
 * lease at 2 s of spend instead of 60 (dozens of grants before it catches up).
 */
export interface SpendRate {
  sum: number;
  atMs: number;
  sinceMs: number;
}

/** Window floor, so one early settle (a lease spent in a burst) cannot imply a huge rate. */
export const MIN_RATE_WINDOW_MS = 5_000;

/** `sinceMs`: when the spend being reported began (the settled lease's grant); first report only. */
export function observeSpend(
  r: SpendRate | null,
  nowMs: number,
  spent: Micros,
  tauMs: number,
  sinceMs = nowMs,
): SpendRate {
  if (!r) return { sum: spent, atMs: nowMs, sinceMs: Math.min(sinceMs, nowMs) };
  return { sum: decay(r, nowMs, tauMs) + spent, atMs: Math.max(nowMs, r.atMs), sinceMs: r.sinceMs };
}

/** Micros per second. */
export function ratePerSecond(r: SpendRate | null, nowMs: number, tauMs: number): number {
  if (!r) return 0;
  const age = Math.max(MIN_RATE_WINDOW_MS, nowMs - r.sinceMs);
  const windowMs = tauMs * (1 - Math.exp(-age / tauMs));
  return (decay(r, nowMs, tauMs) * 1000) / windowMs;
}

function decay(r: SpendRate, nowMs: number, tauMs: number): number {
  return r.sum * Math.exp(-Math.max(0, nowMs - r.atMs) / tauMs);
}

export interface LeaseSizing {
  /** How long one lease should last at the current rate. */
  targetSeconds: number;
  minMicros: Micros;
  maxMicros: Micros;
  /** Near the end no lease takes more than this share of what remains (e.g. 0.1). */
  endShare: number;
}

export const DEFAULT_SIZING: LeaseSizing = {
  targetSeconds: 60,
  minMicros: 10_000,
  maxMicros: 50_000_000,
  endShare: 0.1,
};

export function leaseSize(ratePerSec: number, remaining: Micros, s: LeaseSizing = DEFAULT_SIZING): Micros {
  let size = Math.ceil(ratePerSec * s.targetSeconds);
  size = Math.min(s.maxMicros, Math.max(s.minMicros, size));
  // Shrink near the end, but never below the minimum (one bid must fit) nor above what is left.
  size = Math.min(size, Math.max(s.minMicros, Math.floor(remaining * s.endShare)));
  return Math.max(0, Math.min(size, remaining));
}
