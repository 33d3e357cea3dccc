import { describe, expect, it } from 'vitest';
import { createRng } from './prng.ts';
import { BOT_UAS, DEFAULT_MIX, makeRequest, type SimRequest } from './traffic-mix.ts';

const sample = (n: number, seed = 1): SimRequest[] => {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => makeRequest(rng, i));
};

describe('makeRequest', () => {
  it('repeats for a seed', () => {
    expect(sample(50, 9).map((r) => r.body)).toEqual(sample(50, 9).map((r) => r.body));
  });

  it('mixes the shares it is asked for', () => {
    const reqs = sample(20_000);
    const share = (k: string) => reqs.filter((r) => r.kind === k).length / reqs.length;
    expect(share('malformed')).toBeCloseTo(DEFAULT_MIX.malformedShare, 2);
    expect(share('bot')).toBeCloseTo(DEFAULT_MIX.botShare, 2);
    for (const p of ['gdpr_consent', 'gdpr_no_consent', 'us_optout', 'coppa', 'none'])
      expect(reqs.some((r) => r.privacy === p)).toBe(true);
    for (const f of ['banner', 'video', 'native', 'multi'])
      expect(reqs.some((r) => r.format === f)).toBe(true);
    expect(reqs.some((r) => r.dealId)).toBe(true);
  });

  it('sends valid OpenRTB shapes for valid and bot traffic', () => {
    for (const r of sample(2000).filter((x) => x.kind !== 'malformed')) {
      const body = JSON.parse(r.body);
      expect(body.id).toBe(r.id);
      expect(body.imp.length).toBeGreaterThan(0);
      for (const imp of body.imp) expect(Boolean(imp.banner || imp.video || imp.native)).toBe(true);
      expect(Boolean(body.site) !== Boolean(body.app)).toBe(true);
      if (r.kind === 'bot') expect(BOT_UAS.includes(body.device.ua) || body.device.ip).toBeTruthy();
      if (r.privacy === 'coppa') expect(body.regs.coppa).toBe(1);
      if (r.privacy.startsWith('gdpr')) expect(body.user.consent).toMatch(/^C/);
    }
  });

  it('makes malformed bodies that are not valid requests', () => {
    const bad = sample(5000).filter((r) => r.kind === 'malformed');
    expect(bad.length).toBeGreaterThan(10);
    for (const r of bad) {
      let ok = false;
      try {
        const b = JSON.parse(r.body);
        ok =
          typeof b.id === 'string' &&
          Array.isArray(b.imp) &&
          b.imp.length > 0 &&
          typeof b.tmax !== 'string' &&
          b.imp.every(
            (i: Record<string, unknown>) => i.banner && typeof (i.banner as { w: unknown }).w === 'number',
          );
      } catch {}
      expect(ok).toBe(false);
    }
  });
});
