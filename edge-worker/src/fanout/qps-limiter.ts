// A DSP's QPS cap as a token bucket per isolate. The cap is the partner's for the whole PoP, and
// isolates share no memory, so each isolate keeps only its share: qpsCap / isolates per second
// (POP_ISOLATES, the isolates a PoP is expected to run; default 1), with a burst of one second of
// that share but never under one call, so a small share still lets a call through now and then.
// The sum over isolates holds the cap only as far as POP_ISOLATES matches the real isolate count:
// more isolates than configured can exceed it, fewer leave part of it unused (docs/architecture.md).
export interface QpsLimiter {
  take(id: string, qpsCap: number): boolean;
}

export function createQpsLimiter(now: () => number = Date.now, isolates = 1): QpsLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const n = Number.isFinite(isolates) && isolates >= 1 ? isolates : 1;
  return {
    take(id, qpsCap) {
      if (!(qpsCap > 0)) return true; // 0 or absent = uncapped
      const rate = qpsCap / n;
      const burst = Math.max(1, rate);
      const t = now();
      let b = buckets.get(id);
      if (!b) {
        b = { tokens: burst, at: t };
        buckets.set(id, b);
      }
      b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * rate);
      b.at = t;
      if (b.tokens < 1) return false;
      b.tokens -= 1;
      return true;
    },
  };
}
