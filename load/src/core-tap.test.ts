import { describe, expect, it } from 'vitest';
import { routeOf } from './core-tap.ts';

describe('core tap', () => {
  it('groups lease settles by route', () => {
    expect(routeOf('POST', '/v1/leases/l-123/settle?x=1')).toBe('POST /v1/leases/:id/settle');
    expect(routeOf('GET', '/v1/snapshot')).toBe('GET /v1/snapshot');
  });

  it('names the sender of an event POST, and only of event POSTs', () => {
    expect(routeOf('POST', '/v1/events', 'batch')).toBe('POST /v1/events (batch)');
    expect(routeOf('POST', '/v1/events')).toBe('POST /v1/events');
    expect(routeOf('POST', '/v1/leases', 'batch')).toBe('POST /v1/leases');
  });
});
