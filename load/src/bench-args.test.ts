import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from './bench-args.ts';

describe('parseBenchArgs', () => {
  it('reads a scenario and its options', () => {
    expect(parseBenchArgs(['spike', '--seed', '7', '--duration', '30', '--break'])).toEqual({
      scenario: 'spike',
      seed: 7,
      durationS: 30,
      breakInvariant: true,
    });
    expect(
      parseBenchArgs(['overhead', '--rates', '100,200', '--step', '5', '--warmup', '2', '--pairs', '3']),
    ).toMatchObject({
      rates: [100, 200],
      stepS: 5,
      warmupS: 2,
      pairs: 3,
    });
  });

  it('refuses what would make a run unbounded or wrong', () => {
    expect(parseBenchArgs([])).toEqual({ error: 'name a scenario' });
    expect(parseBenchArgs(['baseline', '--duration', '999'])).toHaveProperty('error');
    expect(parseBenchArgs(['baseline', '--qps', 'fast'])).toHaveProperty('error');
    expect(parseBenchArgs(['baseline', '--what'])).toEqual({ error: 'unknown option --what' });
    expect(parseBenchArgs(['overhead', '--pairs', '2.5'])).toHaveProperty('error');
    expect(parseBenchArgs(['overhead', '--pairs', '50'])).toHaveProperty('error');
  });
});
