import { describe, expect, it } from 'vitest';
import { routeOf, startCoreTap } from './core-tap.ts';

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

  it('answers event POSTs itself when absorbing, and passes them on (here: to nobody) when forwarding', async () => {
    const nobody = { host: '127.0.0.1', port: 1 };
    const post = (url: string) =>
      fetch(`${url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-edge-events-sender': 'batch' },
        body: '{"events":[]}',
      });
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const absorbing = await startCoreTap(port, nobody, 'absorb');
    try {
      expect((await post(absorbing.url)).status).toBe(202);
      const counts = await absorbing.counts();
      expect(counts.eventBatches).toBe(1);
      expect(counts.byRoute['POST /v1/events (batch)']).toBe(1);
      expect(counts.failed).toBe(0);
    } finally {
      await absorbing.close();
    }
    const forwarding = await startCoreTap(port + 1, nobody);
    try {
      await expect(post(forwarding.url)).rejects.toThrow();
      const counts = await forwarding.counts();
      expect(counts.eventBatches).toBe(0);
      expect(counts.failed).toBe(1);
    } finally {
      await forwarding.close();
    }
  });
});
