// `node load/src/results-table.ts [scenario | results-dir ...]`: one markdown row per scenario
// from its latest run in load/results/ (or from a named run directory), the table docs/benchmarks.md keeps, so the figures there are
// copied by a tool rather than by hand.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS } from './paths.ts';
import type { RunReport } from './run-report.ts';

const f = (x: number | undefined, d = 1) =>
  x === undefined || x === null || !Number.isFinite(x) ? 'n/a' : x.toFixed(d);

export function resultsRow(r: RunReport): string {
  const v = r.latency.valid;
  const fivexx = Object.values(r.statuses).reduce(
    (n, m) => n + Object.entries(m).reduce((k, [s, c]) => (Number(s) >= 500 ? k + c : k), 0),
    0,
  );
  const failed = r.verdicts.filter((x) => !x.ok).map((x) => x.name);
  const load = /load average \(1 min\) ([\d.]+) before/.exec(r.notes.join('\n'))?.[1] ?? '?';
  const name = r.edgeRuntime === 'raw' ? `${r.scenario} (raw workerd edge)` : r.scenario;
  return `| ${name} | ${r.startedAt.slice(0, 16)}Z | ${f(r.throughput.answeredPerS, 0)} | ${f(r.fillRate * 100)} % | ${f(v.p50)} / ${f(v.p99)} / ${f(v.p999)} | ${r.timeouts} | ${fivexx} | ${f(r.cpu.edgeMsPerAuction, 2)} | ${f(r.cpu.fanoutMsPerAuction, 2)} | ${f(r.core.roundTripsPer1000, 0)} | ${load} | ${failed.length ? failed.join(', ') : 'all held'} |`;
}

export const HEADER = [
  '| scenario | run | answered/s | fill | valid P50 / P99 / P99.9 (ms) | timeouts | 5xx | edge CPU/auction (ms) | bare fan-out CPU/auction (ms) | core round trips /1k auctions | load avg | invariants broken |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|',
];

/** The latest run of a scenario, or the run in a named results directory. */
function latest(scenario: string): RunReport | undefined {
  if (!existsSync(RESULTS)) return undefined;
  if (existsSync(join(RESULTS, scenario, 'result.json')))
    return JSON.parse(readFileSync(join(RESULTS, scenario, 'result.json'), 'utf8')) as RunReport;
  const dirs = readdirSync(RESULTS)
    .filter((d) => d.startsWith(`${scenario}-2`) && existsSync(join(RESULTS, d, 'result.json')))
    .sort();
  const last = dirs[dirs.length - 1];
  return last
    ? (JSON.parse(readFileSync(join(RESULTS, last, 'result.json'), 'utf8')) as RunReport)
    : undefined;
}

if (import.meta.main) {
  const names = process.argv.slice(2);
  const rows = names.map(latest).filter((r): r is RunReport => r !== undefined && 'verdicts' in r);
  process.stdout.write(`${[...HEADER, ...rows.map(resultsRow)].join('\n')}\n`);
}
