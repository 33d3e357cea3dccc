import { describe, expect, it } from 'vitest';
import { createRng, hash32 } from './prng.ts';

describe('createRng', () => {
  it('repeats the same stream for the same seed', () => {
    const a = createRng(42);
    const b = createRng(42);
    const xs = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(xs);
  });

  it('gives different streams for different seeds and forks', () => {
    expect(createRng(1).next()).not.toEqual(createRng(2).next());
    const root = createRng(7);
    expect(root.fork('dsp').next()).not.toEqual(root.fork('ssp').next());
    expect(createRng(7).fork('dsp').next()).toEqual(createRng(7).fork('dsp').next());
  });

  it('stays in range and is roughly uniform', () => {
    const rng = createRng(3);
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const x = rng.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      buckets[Math.floor(x * 10)]++;
    }
    for (const n of buckets) expect(Math.abs(n - 10_000)).toBeLessThan(500);
  });

  it('honours weights and integer bounds', () => {
    const rng = createRng(5);
    let heavy = 0;
    for (let i = 0; i < 10_000; i++) {
      if (
        rng.weighted([
          ['a', 9],
          ['b', 1],
        ] as const) === 'a'
      )
        heavy++;
      const n = rng.int(3, 5);
      expect(n >= 3 && n <= 5 && Number.isInteger(n)).toBe(true);
    }
    expect(heavy / 10_000).toBeCloseTo(0.9, 1);
  });

  it('has the mean it is asked for', () => {
    const rng = createRng(11);
    let sum = 0;
    for (let i = 0; i < 50_000; i++) sum += rng.exponential(4);
    expect(sum / 50_000).toBeCloseTo(4, 0);
  });
});

describe('hash32', () => {
  it('is stable', () => {
    expect(hash32('user-1')).toBe(hash32('user-1'));
    expect(hash32('user-1')).not.toBe(hash32('user-2'));
  });
});
