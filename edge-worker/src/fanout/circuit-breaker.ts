// Per-DSP circuit breaker (per isolate). After `failureThreshold` consecutive failures
// (timeouts, 5xx, transport errors) the DSP is skipped for `openMs`; then exactly one request
// is let through as a probe (half-open): success closes the circuit, failure re-opens it with
// a doubled wait (capped), so a dead DSP costs one request per window instead of one per auction.
export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
  failureThreshold?: number;
  openMs?: number;
  maxOpenMs?: number;
  now?: () => number;
}

interface Entry {
  failures: number;
  state: BreakerState;
  openUntil: number;
  openMs: number;
  probeInFlight: boolean;
}

export interface CircuitBreakers {
  /** May a request go to this DSP now? Taking a half-open probe slot counts as a yes. */
  allow(id: string): boolean;
  success(id: string): void;
  failure(id: string): void;
  state(id: string): BreakerState;
}

export function createCircuitBreakers({
  failureThreshold = 5,
  openMs = 2_000,
  maxOpenMs = 30_000,
  now = Date.now,
}: BreakerOptions = {}): CircuitBreakers {
  const entries = new Map<string, Entry>();
  const entry = (id: string): Entry => {
    let e = entries.get(id);
    if (!e) {
      e = { failures: 0, state: 'closed', openUntil: 0, openMs, probeInFlight: false };
      entries.set(id, e);
    }
    return e;
  };
  return {
    allow(id) {
      const e = entry(id);
      if (e.state === 'closed') return true;
      if (e.state === 'open' && now() >= e.openUntil) e.state = 'half_open';
      if (e.state === 'half_open' && !e.probeInFlight) {
        e.probeInFlight = true;
        return true;
      }
      return false;
    },
    success(id) {
      const e = entry(id);
      e.failures = 0;
      e.state = 'closed';
      e.openMs = openMs;
      e.probeInFlight = false;
    },
    failure(id) {
      const e = entry(id);
      e.failures++;
      if (e.state === 'half_open') {
        e.openMs = Math.min(e.openMs * 2, maxOpenMs);
        e.state = 'open';
        e.openUntil = now() + e.openMs;
      } else if (e.state === 'closed' && e.failures >= failureThreshold) {
        e.state = 'open';
        e.openUntil = now() + e.openMs;
      }
      e.probeInFlight = false;
    },
    state(id) {
      const e = entry(id);
      if (e.state === 'open' && now() >= e.openUntil) return 'half_open';
      return e.state;
    },
  };
}
