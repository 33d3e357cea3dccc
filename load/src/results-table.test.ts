import { describe, expect, it } from 'vitest';
import { summarize } from './percentiles.ts';
import { resultsRow } from './results-table.ts';
import type { RunReport } from './run-report.ts';

describe('resultsRow', () => {
  it('names broken invariants and counts 5xx', () => {
    const r = {
      scenario: 'spike',
      startedAt: '2026-11-25T17:08:44.644Z',
      throughput: { answeredPerS: 203.8 },
      fillRate: 0.195,
      latency: { valid: summarize([1, 2, 3]) },
      statuses: { valid: { 200: 5, 503: 2 }, bot: {}, malformed: {} },
      timeouts: 3,
      cpu: { edgeMsPerAuction: 2.224 },
      core: { roundTripsPer1000: 111.8 },
      verdicts: [{ name: 'P99 within tmax', ok: false, detail: '' }],
      notes: ['machine load average (1 min) 9.5 before, 8 after'],
    } as unknown as RunReport;
    expect(resultsRow(r)).toBe(
      '| spike | 2026-11-25T17:08Z | 204 | 19.5 % | 2.0 / 3.0 / 3.0 | 3 | 2 | 2.22 | n/a | 112 | 9.5 | P99 within tmax |',
    );
  });
});
