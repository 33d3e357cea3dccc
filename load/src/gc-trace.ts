// Reads V8's `--trace-gc` lines from a workerd log: how often and how long the isolate was stopped.
// workerd runs V8 without incremental or concurrent marking, and forces that even over the
// config's v8Flags (docs/benchmarks.md, "Session 10"), so every pause stops every request in the
// isolate. A request that arrives while a pause still has more than `overMs` to run waits longer
// than that whatever the worker's code does; with open-loop (Poisson) arrivals, which see time
// averages, the share of requests that do is at least the share of time spent that deep in a
// pause. When that share reaches 1%, no handler can bring the step's P99 under `overMs`.

export interface GcPause {
  /** V8's clock: ms since the isolate's heap was set up. */
  atMs: number;
  /** Scavenge or minor mark-sweep (young), or mark-compact (full). */
  kind: 'young' | 'full';
  pauseMs: number;
  /** V8 heap in use before and after the collection, MB: what a full GC freed is their difference. */
  beforeMb: number;
  afterMb: number;
}

// [16825:0x333affd92000]    29282 ms: Mark-Compact 12.4 (24.8) -> 0.8 (19.2) MB, pooled: 5.5 MB, 67.12 / 0.00 ms (...)
// A forced collection (gc() under --expose-gc) reads `Mark-Compact (reduce) 12.4 (...)`.
const LINE =
  /^\[\d+:0x[0-9a-f]+\]\s+(\d+) ms: (Scavenge|Minor Mark-Sweep|Mark-Compact)\b(?: \([a-z ]+\))? ([\d.]+) \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB,(?: pooled: [\d.]+ MB,)? ([\d.]+) \/ [\d.]+ ms/;

/** The pauses in a stretch of log text; other lines (the worker's own output) are skipped. */
export function parseGcTrace(text: string): GcPause[] {
  const out: GcPause[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (m)
      out.push({
        atMs: Number(m[1]),
        kind: m[2] === 'Mark-Compact' ? 'full' : 'young',
        pauseMs: Number(m[5]),
        beforeMb: Number(m[3]),
        afterMb: Number(m[4]),
      });
  }
  return out;
}

export interface GcSummary {
  young: number;
  youngMs: number;
  full: number;
  fullMs: number;
  longestMs: number;
  /**
   * Share of the window (0-1) during which a pause had more than `overMs` still to run: a floor
   * under the share of requests whose overhead exceeds `overMs`.
   */
  stoppedOverShare: number;
  overMs: number;
}

export function gcSummary(pauses: readonly GcPause[], windowMs: number, overMs: number): GcSummary {
  const s: GcSummary = {
    young: 0,
    youngMs: 0,
    full: 0,
    fullMs: 0,
    longestMs: 0,
    stoppedOverShare: 0,
    overMs,
  };
  let deep = 0;
  for (const p of pauses) {
    if (p.kind === 'full') {
      s.full++;
      s.fullMs += p.pauseMs;
    } else {
      s.young++;
      s.youngMs += p.pauseMs;
    }
    s.longestMs = Math.max(s.longestMs, p.pauseMs);
    deep += Math.max(0, p.pauseMs - overMs);
  }
  s.stoppedOverShare = windowMs > 0 ? deep / windowMs : 0;
  return s;
}
