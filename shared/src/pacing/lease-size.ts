// How big a lease should be. Big leases mean few round trips to the core; small ones mean
// little money stranded on an edge when the lease ends unspent. So: aim for a lease that
// lasts `targetSeconds` at the holder's recent spend rate, and shrink it as the budget runs
// out, so the last micros are spread over holders instead of parked with one.
import type { Micros } from '../money.ts';

/** Exponentially decayed sum of spend; rate = sum / tau. */
export interface SpendRate {
  sum: number;
  atMs: number;
}

export function observeSpend(r: SpendRate | null, nowMs: number, spent: Micros, tauMs: number): SpendRate {
  if (!r) return { sum: spent, atMs: nowMs };
  return { sum: decay(r, nowMs, tauMs) + spent, atMs: Math.max(nowMs, r.atMs) };
}

/** Micros per second. */
export function ratePerSecond(r: SpendRate | null, nowMs: number, tauMs: number): number {
  return r ? (decay(r, nowMs, tauMs) * 1000) / tauMs : 0;
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
