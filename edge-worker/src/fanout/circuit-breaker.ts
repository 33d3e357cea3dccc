// Per-DSP circuit breaker (per isolate). It opens when a DSP is failing, not merely slow: over
// its last `window` calls at least `minFailures` failed and they are at least `failureRatio` of
// the calls. Failures are 5xx, transport errors and timeouts of the DSP's own timeoutMs; a DSP
// that misses only the auction's tighter deadline is late, not broken (fan-out decides which).
// Open, it is skipped for `openMs`; then one probe goes through (half-open): success closes
// the circuit with a clean window, failure re-opens it for twice as long (capped).
export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
  window?: number;
  minFailures?: number;
  failureRatio?: number;
  openMs?: number;
  maxOpenMs?: number;
  now?: () => number;
}

interface Entry {
  /** Last calls, true = failed; at most `window` long. */
  recent: boolean[];
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
  /** Answered too late for this auction only: neither health nor failure; frees a probe slot. */
  late(id: string): void;
  state(id: string): BreakerState;
}

export function createCircuitBreakers({
  window = 20,
  minFailures = 5,
  failureRatio = 0.5,
  openMs = 2_000,
  maxOpenMs = 15_000,
  now = Date.now,
}: BreakerOptions = {}): CircuitBreakers {
  const entries = new Map<string, Entry>();
  const entry = (id: string): Entry => {
    let e = entries.get(id);
    if (!e) {
      e = { recent: [], failures: 0, state: 'closed', openUntil: 0, openMs, probeInFlight: false };
      entries.set(id, e);
    }
    return e;
  };
  const record = (e: Entry, failed: boolean) => {
    e.recent.push(failed);
    if (failed) e.failures++;
    if (e.recent.length > window && e.recent.shift()) e.failures--;
  };
  const open = (e: Entry) => {
    e.state = 'open';
    e.openUntil = now() + e.openMs;
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
      if (e.state !== 'closed') {
        e.recent = [];
        e.failures = 0;
        e.openMs = openMs;
        e.state = 'closed';
      } else record(e, false);
      e.probeInFlight = false;
    },
    failure(id) {
      const e = entry(id);
      if (e.state === 'half_open') {
        e.openMs = Math.min(e.openMs * 2, maxOpenMs);
        open(e);
      } else if (e.state === 'closed') {
        record(e, true);
        if (e.failures >= minFailures && e.failures >= e.recent.length * failureRatio) open(e);
      }
      e.probeInFlight = false;
    },
    late(id) {
      entry(id).probeInFlight = false;
    },
    state(id) {
      const e = entry(id);
      if (e.state === 'open' && now() >= e.openUntil) return 'half_open';
      return e.state;
    },
  };
}
