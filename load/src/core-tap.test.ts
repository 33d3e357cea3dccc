import { describe, expect, it } from 'vitest';
import { countEvents, routeOf } from './core-tap.ts';

describe('core tap', () => {
  it('groups lease settles by route', () => {
    expect(routeOf('POST', '/v1/leases/l-123/settle?x=1')).toBe('POST /v1/leases/:id/settle');
    expect(routeOf('GET', '/v1/snapshot')).toBe('GET /v1/snapshot');
  });

  it('counts distinct events by type and survives junk', () => {
    const into: Record<string, number> = {};
    const seen = new Set<string>();
    const batch = {
      events: [
        { type: 'auction', id: 'a1' },
        { type: 'win', id: 'w1' },
        { type: 'auction', id: 'a2' },
      ],
    };
    expect(countEvents(JSON.stringify(batch), into, seen)).toBe(3);
    // A retried batch, and the billing notice repeating the pixel's impression id, add nothing.
    countEvents(JSON.stringify(batch), into, seen);
    const twice = {
      events: [
        { type: 'impression', id: 'i1' },
        { type: 'impression', id: 'i1' },
      ],
    };
    countEvents(JSON.stringify(twice), into, seen);
    countEvents('{nope', into, seen);
    expect(into).toEqual({ auction: 2, win: 1, impression: 1, unparsed: 1 });
  });
});
