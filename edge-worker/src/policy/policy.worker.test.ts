// Request and bid policy end to end in workerd: publisher blocklists and allowlists, invalid
// traffic, blocklists on DSP bids, and privacy (TCF v2, US privacy, COPPA) per DSP as the DSPs
// actually receive it.
import { encodeGppHeader, encodeTcf, encodeUsSection } from '@edge-rtb/shared/privacy/test-encoder';
import { describe, expect, it } from 'vitest';
import { testDsp } from '../../test/fixtures/snapshot.ts';
import { bannerRequest, DSP, dspRecord, edge, tenant } from '../../test/helpers.ts';

describe('request policy', async () => {
  const t = await tenant('policy-req', { dsps: [testDsp(DSP, 'pol-any', 'price=1')] });
  const e = edge();
  const nbrOf = async (req: Record<string, unknown>) => {
    const res = await e.auction(t.env, req);
    expect(res.status).toBe(200);
    return ((await res.json()) as { nbr?: number }).nbr;
  };

  it('refuses blocked publishers and domains (subdomains too) with nbr 7', async () => {
    expect(
      await nbrOf(bannerRequest({ site: { domain: 'x.example', publisher: { id: 'pub-blocked' } } })),
    ).toBe(7);
    expect(await nbrOf(bannerRequest({ site: { domain: 'news.blocked.example' } }))).toBe(7);
    expect(
      await nbrOf(bannerRequest({ app: { bundle: 'b', domain: 'blocked.example' }, site: undefined })),
    ).toBe(7);
  });

  it('refuses known bots (nbr 3) and blocked IP ranges, v4 and v6 (nbr 5)', async () => {
    const device = (d: Record<string, unknown>) => bannerRequest({ device: { ua: 'Mozilla/5.0', ...d } });
    expect(await nbrOf(device({ ua: 'Mozilla/5.0 (compatible; Googlebot/2.1)' }))).toBe(3);
    expect(await nbrOf(device({ ip: '203.0.113.9' }))).toBe(5);
    expect(await nbrOf(device({ ipv6: '2001:db8:0:1::7' }))).toBe(5);
    expect((await e.auction(t.env, device({ ip: '198.51.100.1' }))).status).toBe(200);
    expect((await dspRecord('pol-any')).requests.length).toBe(1); // refused requests reach no DSP
  });

  it('an SSP with a publisher allowlist may only send those publishers', async () => {
    const t3 = await tenant('policy-allow', (snap) => ({
      ...snap,
      dsps: [testDsp(DSP, 'pol-allow', 'price=1')],
      ssps: snap.ssps.map((s) => (s.id === 'ssp-main' ? { ...s, publishers: ['8953'] } : s)),
    }));
    const e3 = edge();
    expect((await e3.auction(t3.env, bannerRequest())).status).toBe(200);
    const other = await e3.auction(
      t3.env,
      bannerRequest({ site: { domain: 'a.example', publisher: { id: 'p-other' } } }),
    );
    expect(await other.json()).toMatchObject({ nbr: 7 });
  });
});

describe('blocklists on bids', async () => {
  const t = await tenant('policy-bids', {
    dsps: [
      testDsp(DSP, 'bl-adv', 'price=5&adomain=shop.blocked-brand.example'),
      testDsp(DSP, 'bl-cat', 'price=4&cat=IAB25-3'),
    ],
  });

  it('drops bids whose adomain is in badv or cat in bcat, with the loss reason recorded', async () => {
    const res = await edge().auction(
      t.env,
      bannerRequest({ badv: ['blocked-brand.example'], bcat: ['IAB25'] }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ nbr: 502 }); // bids came, all rejected
    const { events } = await t.recorded();
    const losses = events.filter((e) => e.type === 'loss') as unknown as Array<{
      bidderId: string;
      reason: string;
    }>;
    expect(losses.find((l) => l.bidderId === 'bl-adv')?.reason).toMatch(/^205:/);
    expect(losses.find((l) => l.bidderId === 'bl-cat')?.reason).toMatch(/^209:/);
  });

  it('drops bids whose creative attribute is in battr or app bundle in bapp', async () => {
    const t2 = await tenant('policy-bids-2', {
      dsps: [
        testDsp(DSP, 'bl-attr', 'price=5&attr=6'),
        testDsp(DSP, 'bl-bundle', 'price=4&bundle=com.blocked.game'),
      ],
    });
    const req = bannerRequest({
      bapp: ['com.blocked.game'],
      imp: [{ id: '1', banner: { w: 300, h: 250, battr: [6] } }],
    });
    expect(await (await edge().auction(t2.env, req)).json()).toMatchObject({ nbr: 502 });
    const losses = (await t2.recorded()).events.filter((e) => e.type === 'loss') as unknown as Array<{
      bidderId: string;
      reason: string;
    }>;
    expect(losses.find((l) => l.bidderId === 'bl-attr')?.reason).toMatch(/^210:/);
    expect(losses.find((l) => l.bidderId === 'bl-bundle')?.reason).toMatch(/^206:/);
  });

  it('without the blocklists the same bids win', async () => {
    expect((await edge().auction(t.env, bannerRequest())).status).toBe(200);
  });
});

describe('privacy per DSP', async () => {
  const t = await tenant('policy-privacy', {
    dsps: [
      testDsp(DSP, 'pv-consented', 'price=1', { gvlVendorId: 42, tcfPurposes: [1, 2] }),
      testDsp(DSP, 'pv-unregistered', 'price=1', { gvlVendorId: undefined }),
    ],
  });
  const e = edge();
  const person = {
    user: { id: 'user-1', buyeruid: 'bu-1', eids: [{ source: 'id.example', uids: [{ id: 'e1' }] }] },
    device: {
      ua: 'Mozilla/5.0',
      ip: '198.51.100.77',
      ifa: 'ifa-1',
      geo: { country: 'DEU', lat: 52.5, lon: 13.4 },
    },
  };
  const seen = async (dsp: string) => {
    const r = (await dspRecord(dsp)).requests.at(-1)!.body as {
      user?: Record<string, unknown>;
      device?: { ip?: string; ifa?: string; geo?: { lat?: number } };
    };
    return { userId: r.user?.id, ifa: r.device?.ifa, ip: r.device?.ip, lat: r.device?.geo?.lat };
  };

  it('GDPR with TCF consent: the consented vendor gets ids, an unregistered one does not', async () => {
    const consent = encodeTcf({ purposes: [1, 2], vendors: [42], specialFeatures: [1] });
    await e.auction(
      t.env,
      bannerRequest({ ...person, regs: { gdpr: 1 }, user: { ...person.user, consent } }),
    );
    expect(await seen('pv-consented')).toEqual({
      userId: 'user-1',
      ifa: 'ifa-1',
      ip: '198.51.100.77',
      lat: 52.5,
    });
    expect(await seen('pv-unregistered')).toEqual({
      userId: undefined,
      ifa: undefined,
      ip: '198.51.100.0',
      lat: undefined,
    });
  });

  it('GDPR without a consent string: nobody gets ids', async () => {
    await e.auction(t.env, bannerRequest({ ...person, regs: { gdpr: 1 } }));
    expect((await seen('pv-consented')).userId).toBeUndefined();
  });

  it('GDPR consent missing a needed purpose: stripped', async () => {
    const consent = encodeTcf({ purposes: [1], vendors: [42] });
    await e.auction(
      t.env,
      bannerRequest({ ...person, regs: { gdpr: 1 }, user: { ...person.user, consent } }),
    );
    expect((await seen('pv-consented')).userId).toBeUndefined();
  });

  it('a GPP US national opt-out of sale strips personal data; no opt-out keeps it', async () => {
    // usnat: version, 6 notices, then SaleOptOut / SharingOptOut / TargetedAdvertisingOptOut (1 = opted out).
    const usnat = (sale: number) => encodeUsSection([1, 1, 1, 1, 1, 1, sale, 2, 2, ...Array(16).fill(0)]);
    const gpp = (sale: number) => ({ regs: { gpp: `${encodeGppHeader([7])}~${usnat(sale)}`, gpp_sid: [7] } });
    await e.auction(t.env, bannerRequest({ ...person, ...gpp(1) }));
    expect(await seen('pv-consented')).toMatchObject({ userId: undefined, ifa: undefined });
    await e.auction(t.env, bannerRequest({ ...person, ...gpp(2) }));
    expect((await seen('pv-consented')).userId).toBe('user-1');
  });

  it('US privacy opt-out and COPPA strip personal data for every DSP', async () => {
    await e.auction(t.env, bannerRequest({ ...person, regs: { us_privacy: '1YYN' } }));
    expect(await seen('pv-consented')).toMatchObject({ userId: undefined, ifa: undefined });
    await e.auction(t.env, bannerRequest({ ...person, regs: { coppa: 1 } }));
    expect(await seen('pv-consented')).toMatchObject({ userId: undefined, ifa: undefined, lat: undefined });
    await e.auction(t.env, bannerRequest({ ...person, regs: { us_privacy: '1YNN' } }));
    expect((await seen('pv-consented')).userId).toBe('user-1');
    const { events } = await t.recorded();
    const privacy = events
      .filter((x) => x.type === 'auction')
      .map((x) => x.privacy as Record<string, boolean>);
    expect(privacy.some((p) => p.coppa)).toBe(true);
    expect(privacy.some((p) => p.usOptOut)).toBe(true);
    expect(privacy.some((p) => p.gdpr && p.consent)).toBe(true);
  });
});
