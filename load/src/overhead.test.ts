import { describe, expect, it } from 'vitest';
import { type OverheadStep, overheadChart, overheadTable } from './overhead.ts';

const row = (target: OverheadStep['target'], qps: number, cpu: number): OverheadStep => ({
  target,
  qps,
  auctions: qps * 10,
  answeredPerS: qps,
  overheadP50: 3,
  overheadP99: 9,
  e2eP99: 14,
  timeouts: 0,
  errors: 0,
  cpuMsPerAuction: cpu,
  otherCpuMs: { 'DSP fleet': 500, 'load generator': 1000 },
});

describe('overhead report', () => {
  const rows = [
    row('edge (raw workerd)', 50, 3.5),
    row('edge (raw workerd)', 100, 2.9),
    row('bare-fanout (raw workerd)', 50, 1.9),
  ];

  it('tabulates every step with the others CPU as % of a core', () => {
    const t = overheadTable(rows, 10);
    expect(t).toContain(
      '| edge (raw workerd) | 50 | 50 | 3.00 | 9.00 | 14.00 | 0 | 0 | 3.500 | 5 / 10 | - |',
    );
    const withCore = overheadTable(
      [{ ...row('edge (raw workerd)', 50, 3.5), otherCpuMs: { core: 250 } }],
      10,
    );
    expect(withCore).toContain('| 0 / 0 | 0.500 |'); // 250 ms of core CPU over 500 auctions
    expect(t.split('\n')).toHaveLength(5);
  });

  it('draws one line per target', () => {
    const html = overheadChart(rows);
    expect(html.match(/<svg/g)).toHaveLength(3);
    expect(html).toContain('bare-fanout (raw workerd)');
  });
});
