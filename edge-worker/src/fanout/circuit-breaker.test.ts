import { describe, expect, it } from 'vitest';
import { createCircuitBreakers } from './circuit-breaker.ts';

describe('circuit breaker', () => {
  it('opens after consecutive failures, lets one probe through after the wait, closes on success', () => {
    let t = 0;
    const b = createCircuitBreakers({ failureThreshold: 3, openMs: 100, now: () => t });
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
    expect(b.allow('d')).toBe(true);
  });

  it('a failed probe re-opens for twice as long; a success in between resets the count', () => {
    let t = 0;
    const b = createCircuitBreakers({ failureThreshold: 2, openMs: 100, maxOpenMs: 150, now: () => t });
    b.failure('d');
    b.success('d');
    b.failure('d');
    expect(b.state('d')).toBe('closed');
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
