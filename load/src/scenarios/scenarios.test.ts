import { describe, expect, it } from 'vitest';
import { SCENARIOS } from './index.ts';

describe('scenarios', () => {
  it('each runs under 5 minutes including its settle time, with invariants and 5 DSPs', () => {
    for (const s of Object.values(SCENARIOS)) {
      expect(s.durationS + (s.settleS ?? 5)).toBeLessThan(240);
      expect(s.invariants.length).toBeGreaterThan(0);
      expect(s.dsps()).toHaveLength(5);
      for (const step of s.steps ?? []) expect(step.atS).toBeLessThan(s.durationS);
    }
  });

  it('has every scenario the issue lists', () => {
    expect(Object.keys(SCENARIOS).sort()).toEqual(
      [
        'baseline',
        'budget-end',
        'budget-end-cluster',
        'clickhouse-down',
        'core-down',
        'dead-dsp',
        'kafka-down',
        'redis-down',
        'slow-dsp',
        'spike',
      ].sort(),
    );
  });
});
