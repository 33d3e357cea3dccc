import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarize } from './percentiles.ts';
import { renderMarkdown, summaryLine, writeReport } from './report.ts';
import type { RunReport } from './run-report.ts';

const report = (): RunReport => ({
  scenario: 'baseline',
  description: 'steady traffic',
  command: 'npm run bench -- baseline',
  startedAt: '2026-11-25T17:00:00.000Z',
  seed: 1,
  durationS: 10,
  tmaxMs: 200,
  throughput: { scheduled: 100, sent: 100, answered: 100, answeredPerS: 10, bidsReceived: 80 },
  latency: { valid: summarize([1, 2, 3]), all: summarize([1, 2, 3]) },
  statuses: { valid: { 200: 90 }, bot: { 204: 5 }, malformed: { 400: 5 } },
  timeouts: 0,
  errorRate: 0,
  fillRate: 0.9,
  cpu: { edgeMsPerAuction: 0.9, edgeTotalMs: 90, byComm: { workerd: 90 } },
  core: { roundTripsPer1000: 3, byRoute: {} },
  spend: [{ campaignId: 'c1', budgetMicros: 10, spentMicros: 5 }],
  events: { sent: { impression: 3 }, landed: { impression: 3 } },
  dsps: [],
  users: undefined,
  sendLagP99Ms: 1,
  verdicts: [{ name: 'no 5xx to SSPs', ok: false, detail: '1 5xx answers' }],
  timeline: [{ t: 0, scheduled: 10, answered: 10, errors: 0, p50: 2, p99: 3 }],
  samples: [],
  notes: [],
});

describe('report', () => {
  it('shows failures loudly in markdown and the summary', () => {
    const md = renderMarkdown(report());
    expect(md).toContain('**FAIL** no 5xx to SSPs: 1 5xx answers');
    expect(md).toContain('| c1 | 10 | 5 | - | - | 5 |');
    expect(summaryLine(report())).toContain('edge CPU/auction 0.900 ms');
  });

  it('writes json, markdown and an svg chart', () => {
    const dir = writeReport(report(), mkdtempSync(join(tmpdir(), 'rep-')));
    expect(JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')).scenario).toBe('baseline');
    expect(readFileSync(join(dir, 'chart.html'), 'utf8')).toContain('<svg');
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('# baseline');
  });
});
