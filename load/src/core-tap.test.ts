import { describe, expect, it } from 'vitest';
import { countEvents, routeOf } from './core-tap.ts';

describe('core tap', () => {
  it('groups lease settles by route', () => {
    expect(routeOf('POST', '/v1/leases/l-123/settle?x=1')).toBe('POST /v1/leases/:id/settle');
    expect(routeOf('GET', '/v1/snapshot')).toBe('GET /v1/snapshot');
  });

  it('counts events by type and survives junk', () => {
    const into: Record<string, number> = {};
    countEvents(
      JSON.stringify({ events: [{ type: 'auction' }, { type: 'win' }, { type: 'auction' }] }),
      into,
    );
    countEvents('{nope', into);
    expect(into).toEqual({ auction: 2, win: 1, unparsed: 1 });
  });
});
