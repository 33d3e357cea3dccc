// Writes a run's JSON, a markdown summary and the chart to load/results/<scenario>-<ts>/
// (git-ignored), and renders the short summary printed at the end of a run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderChart } from './chart.ts';
import { round2 } from './percentiles.ts';
import type { RunReport } from './run-report.ts';

const fmt = (x: number | undefined, digits = 2) =>
  x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits);

export function renderMarkdown(r: RunReport): string {
  const v = r.latency.valid;
  const lines = [
    `# ${r.scenario} (${r.startedAt})`,
    '',
    r.description,
    '',
    `Command: \`${r.command}\` (seed ${r.seed}, ${r.durationS} s, tmax ${r.tmaxMs} ms)`,
    '',
    '| metric | value |',
    '|---|---|',
    `| requests scheduled / sent / answered | ${r.throughput.scheduled} / ${r.throughput.sent} / ${r.throughput.answered} |`,
    `| throughput (answered/s) | ${fmt(r.throughput.answeredPerS, 1)} |`,
    `| latency valid P50 / P95 / P99 / P99.9 / max (ms) | ${fmt(v.p50)} / ${fmt(v.p95)} / ${fmt(v.p99)} / ${fmt(v.p999)} / ${fmt(v.max)} |`,
    `| client timeouts | ${r.timeouts} |`,
    `| error rate (5xx, refused, timeouts, unexpected 4xx) | ${fmt(r.errorRate * 100, 3)} % |`,
    `| fill rate (valid requests with a bid) | ${fmt(r.fillRate * 100, 1)} % |`,
    `| edge CPU per auction (ms) | ${fmt(r.cpu.edgeMsPerAuction, 3)} |`,
    `| bare fan-out CPU per auction (ms) | ${fmt(r.cpu.fanoutMsPerAuction, 3)} |`,
    `| core round trips per 1,000 auctions | ${fmt(r.core.roundTripsPer1000, 1)} |`,
    `| load generator send lag P99 (ms) | ${fmt(r.sendLagP99Ms)} |`,
    '',
    '## Invariants',
    '',
    ...r.verdicts.map((x) => `- ${x.ok ? 'PASS' : '**FAIL**'} ${x.name}: ${x.detail}`),
    '',
    '## Answers by request kind and status',
    '',
    ...Object.entries(r.statuses).map(([k, m]) => `- ${k}: ${JSON.stringify(m)}`),
    '',
    '## Spend against budget (micros)',
    '',
  ];
  if (r.spend) {
    lines.push(
      '| campaign | budget | spent | still leased (under-delivery risk) | still available (never leased) | remaining |',
      '|---|---|---|---|---|---|',
    );
    for (const c of r.spend)
      lines.push(
        `| ${c.campaignId} | ${c.budgetMicros} | ${c.spentMicros} | ${c.leasedMicros ?? '-'} | ${c.availableMicros ?? '-'} | ${c.budgetMicros - c.spentMicros} |`,
      );
  } else lines.push('not available from the core');
  lines.push('', '## Events sent vs landed', '', '| type | sent | landed |', '|---|---|---|');
  for (const [t, n] of Object.entries(r.events.sent))
    lines.push(`| ${t} | ${n} | ${r.events.landed?.[t] ?? 'n/a'} |`);
  lines.push(
    '',
    '## DSPs',
    '',
    '| dsp | received | answers | win / bill / loss notices | leaks |',
    '|---|---|---|---|---|',
  );
  for (const d of r.dsps)
    lines.push(
      `| ${d.id} | ${d.received} | ${JSON.stringify(d.answered)} | ${d.notices.win} / ${d.notices.bill} / ${d.notices.loss} | ${JSON.stringify(d.leaks)} |`,
    );
  if (r.cpu.note || r.core.note || r.notes.length) lines.push('', '## Notes', '');
  for (const n of [r.cpu.note, r.core.note, ...r.notes]) if (n) lines.push(`- ${n}`);
  if (r.samples.length) {
    lines.push('', '## Sample unexpected answers', '');
    for (const s of r.samples)
      lines.push(`- ${s.kind} -> ${s.status}: \`${s.body.replace(/`/g, "'").slice(0, 200)}\``);
  }
  return `${lines.join('\n')}\n`;
}

export function summaryLine(r: RunReport): string {
  const v = r.latency.valid;
  return [
    `${r.scenario}: ${r.throughput.answered} answered in ${r.durationS} s (${fmt(r.throughput.answeredPerS, 1)}/s), fill ${fmt(r.fillRate * 100, 1)} %`,
    `latency P50 ${fmt(v.p50)} P95 ${fmt(v.p95)} P99 ${fmt(v.p99)} P99.9 ${fmt(v.p999)} ms; timeouts ${r.timeouts}; errors ${fmt(r.errorRate * 100, 3)} %`,
    `edge CPU/auction ${fmt(r.cpu.edgeMsPerAuction, 3)} ms (bare fan-out ${fmt(r.cpu.fanoutMsPerAuction, 3)} ms); core round trips/1k auctions ${fmt(r.core.roundTripsPer1000, 1)}`,
  ].join('\n');
}

export function writeReport(r: RunReport, root: string): string {
  const stamp = r.startedAt.replace(/[:.]/g, '-');
  const dir = join(root, `${r.scenario}-${stamp}`);
  mkdirSync(dir, { recursive: true });
  const rounded = JSON.stringify(r, (_k, x) => (typeof x === 'number' ? round2(x) : x), 2);
  writeFileSync(join(dir, 'result.json'), `${rounded}\n`);
  writeFileSync(join(dir, 'report.md'), renderMarkdown(r));
  writeFileSync(join(dir, 'chart.html'), renderChart(`${r.scenario} ${r.startedAt}`, r.timeline, r.tmaxMs));
  return dir;
}
