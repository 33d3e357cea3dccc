// Latency summaries. Runs are bounded (minutes), so we keep every sample and sort once:
// exact percentiles, no histogram error to explain. Nearest-rank definition, so P99.9 of
// 1,000 samples is the largest one, never an interpolation between two real values.
export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

/** Nearest-rank percentile of an ascending array; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (p <= 0) return sorted[0] as number;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, rank) - 1] as number;
}

export function summarize(values: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  const arr = Array.from(sorted);
  let sum = 0;
  for (const v of arr) sum += v;
  return {
    count: arr.length,
    min: arr.length ? (arr[0] as number) : Number.NaN,
    mean: arr.length ? sum / arr.length : Number.NaN,
    p50: percentile(arr, 50),
    p95: percentile(arr, 95),
    p99: percentile(arr, 99),
    p999: percentile(arr, 99.9),
    max: arr.length ? (arr[arr.length - 1] as number) : Number.NaN,
  };
}

/** Rounds for reports: 0.01 ms resolution is below what a loopback timer can tell apart. */
export function round2(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 100) / 100 : x;
}
