import { describe, expect, it } from 'vitest';
import { localDay } from './zoned-day.ts';

describe('localDay', () => {
  it('rolls over at local midnight, not UTC midnight', () => {
    // 2026-11-25 03:00 UTC is still the 24th in New York (UTC-5).
    const t = Date.UTC(2026, 10, 25, 3);
    expect(localDay(t, 'America/New_York')).toEqual({
      key: '2026-11-24',
      startMs: Date.UTC(2026, 10, 24, 5),
      endMs: Date.UTC(2026, 10, 25, 5),
    });
    expect(localDay(t, 'UTC').key).toBe('2026-11-25');
    expect(localDay(t, 'Asia/Tokyo').key).toBe('2026-11-25');
  });

  it('has 23 and 25 hour days at DST changes', () => {
    const spring = localDay(Date.UTC(2026, 2, 8, 12), 'America/New_York');
    expect(spring.key).toBe('2026-03-08');
    expect(spring.endMs - spring.startMs).toBe(23 * 3_600_000);
    const fall = localDay(Date.UTC(2026, 10, 1, 12), 'America/New_York');
    expect(fall.endMs - fall.startMs).toBe(25 * 3_600_000);
  });

  it('throws on an unknown zone', () => {
    expect(() => localDay(0, 'Mars/Olympus')).toThrow(RangeError);
  });
});
