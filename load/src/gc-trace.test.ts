import { describe, expect, it } from 'vitest';
import { gcSummary, parseGcTrace } from './gc-trace.ts';

// Lines as workerd 2026-11-02 writes them with v8Flags ["--trace-gc"] (a bare fan-out at 200 req/s).
const LOG = `workerd/api/per-isolate-bootstrap.c++:457: warning: NOSENTRY per-isolate bootstrap compile cache failed its compatibility check
[16825:0x333affd92000]      681 ms: Scavenge 1.5 (2.8) -> 1.0 (3.2) MB, pooled: 0.0 MB, 0.80 / 0.00 ms (average mu = 1.000, current mu = 1.000) allocation failure; 
[16825:0x333affd92000]    23099 ms: Mark-Compact 33.0 (46.2) -> 0.7 (18.2) MB, pooled: 27.8 MB, 164.80 / 0.00 ms (average mu = 0.993, current mu = 0.993) allocation failure; GC in old space requested
{"level":"info","msg":"a worker's own log line with ms: Mark-Compact in it"}
[16825:0x333affd92000]    29282 ms: Mark-Compact 12.4 (24.8) -> 0.8 (19.2) MB, pooled: 5.5 MB, 67.12 / 0.00 ms (average mu = 0.992, current mu = 0.989) global allocation limit; GC in old space requested
[16825:0x333affd92000]    29301 ms: Minor Mark-Sweep 3.1 (19.2) -> 1.2 (19.2) MB, 2.50 / 0.00 ms (average mu = 0.992, current mu = 0.989) allocation failure;
[16825:0x333affd92000]    31005 ms: Mark-Compact (reduce) 3.9 (19.2) -> 0.5 (6.1) MB, pooled: 0.0 MB, 17.21 / 0.00 ms (average mu = 0.992, current mu = 0.989) testing; GC in old space requested
`;

describe('--trace-gc lines', () => {
  it('reads each pause with its kind and clock, and nothing else', () => {
    expect(parseGcTrace(LOG)).toEqual([
      { atMs: 681, kind: 'young', pauseMs: 0.8, beforeMb: 1.5, afterMb: 1.0 },
      { atMs: 23099, kind: 'full', pauseMs: 164.8, beforeMb: 33.0, afterMb: 0.7 },
      { atMs: 29282, kind: 'full', pauseMs: 67.12, beforeMb: 12.4, afterMb: 0.8 },
      { atMs: 29301, kind: 'young', pauseMs: 2.5, beforeMb: 3.1, afterMb: 1.2 },
      { atMs: 31005, kind: 'full', pauseMs: 17.21, beforeMb: 3.9, afterMb: 0.5 },
    ]);
    expect(parseGcTrace('')).toEqual([]);
  });

  it('counts the time a pause still had more than the threshold to run, as a share of the window', () => {
    const s = gcSummary(parseGcTrace(LOG), 30_000, 5);
    expect(s).toMatchObject({ young: 2, full: 3, longestMs: 164.8, overMs: 5 });
    expect(s.youngMs).toBeCloseTo(3.3, 9);
    expect(s.fullMs).toBeCloseTo(249.13, 9);
    // (164.8 - 5) + (67.12 - 5) + (17.21 - 5) over 30 s; the young pauses are under 5 ms and add nothing.
    expect(s.stoppedOverShare).toBeCloseTo((159.8 + 62.12 + 12.21) / 30_000, 12);
    expect(gcSummary([], 30_000, 5).stoppedOverShare).toBe(0);
    expect(gcSummary(parseGcTrace(LOG), 0, 5).stoppedOverShare).toBe(0);
  });
});
