import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

describe('edge worker in workerd', () => {
  it('answers /healthz', async () => {
    const res = await exports.default.fetch('http://edge.local/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, part: 'edge' });
  });
});
