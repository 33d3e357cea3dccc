import { describe, expect, it } from 'vitest';
import { createCircuitBreakers } from './circuit-breaker.ts';

describe('circuit breaker', () => {
  it('opens once enough of the recent calls failed, probes after the wait, closes on success', () => {
    let t = 0;
    const b = createCircuitBreakers({
      minFailures: 3,
      failureRatio: 0.5,
      window: 10,
      openMs: 100,
      now: () => t,
    });
    for (let i = 0; i < 3; i++) {
      expect(b.allow('d')).toBe(true);
      b.failure('d');
    }
    expect(b.state('d')).toBe('open');
    expect(b.allow('d')).toBe(false);
    t = 100;
    expect(b.allow('d')).toBe(true); // the probe
    expect(b.allow('d')).toBe(false); // only one at a time
    b.success('d');
    expect(b.state('d')).toBe('closed');
    b.failure('d');
    b.failure('d');
    expect(b.state('d')).toBe('closed'); // a clean window after closing
  });

  it('a mostly healthy DSP with occasional failures stays closed', () => {
    const b = createCircuitBreakers({ minFailures: 5, failureRatio: 0.5, window: 20 });
    for (let i = 0; i < 200; i++) {
      if (i % 3 === 0) b.failure('d');
      else b.success('d');
    }
    expect(b.state('d')).toBe('closed');
  });

  it('a failed probe re-opens for twice as long, capped', () => {
    let t = 0;
    const b = createCircuitBreakers({ minFailures: 2, openMs: 100, maxOpenMs: 150, now: () => t });
    b.failure('d');
    b.failure('d');
    expect(b.state('d')).toBe('open');
    t = 100;
    expect(b.allow('d')).toBe(true);
    b.failure('d');
    t = 240;
    expect(b.allow('d')).toBe(false); // 150 (capped double), not 100
    t = 250;
    expect(b.allow('d')).toBe(true);
    expect(b.state('other')).toBe('closed');
  });
});
