// Reads Prometheus text exposition (the core's /metrics) into samples, so a run can count
// core round trips (lease grants, settles, snapshot fetches, event batches) from the
// counters the core already keeps instead of instrumenting the edge for the benchmark.
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parsePromText(text: string): PromSample[] {
  const out: PromSample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1] as string] = (l[2] as string).replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    }
    const value = Number(m[4]);
    if (Number.isFinite(value)) out.push({ name: m[1] as string, labels, value });
  }
  return out;
}

/** Sum of samples whose name matches, optionally filtered by labels. */
export function sumOf(
  samples: PromSample[],
  name: RegExp,
  where: (l: Record<string, string>) => boolean = () => true,
): number {
  let total = 0;
  for (const s of samples) if (name.test(s.name) && where(s.labels)) total += s.value;
  return total;
}
