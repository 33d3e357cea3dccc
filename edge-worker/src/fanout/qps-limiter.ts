// A DSP's QPS cap as a token bucket per isolate (refill qpsCap/s, burst of one second). The
// cap is per isolate, not global: with N isolates per PoP a DSP may see up to N x its cap,
// which is why the core should divide a partner's contracted QPS by the expected fleet size.
export interface QpsLimiter {
  take(id: string, qpsCap: number): boolean;
}

export function createQpsLimiter(now: () => number = Date.now): QpsLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(id, qpsCap) {
      if (!(qpsCap > 0)) return true; // 0 or absent = uncapped
      const t = now();
      const b = buckets.get(id) ?? { tokens: qpsCap, at: t };
      b.tokens = Math.min(qpsCap, b.tokens + ((t - b.at) / 1000) * qpsCap);
      b.at = t;
      buckets.set(id, b);
      if (b.tokens < 1) return false;
      b.tokens -= 1;
      return true;
    },
  };
}
