import { describe, expect, it } from 'vitest';
import { defaultProfile } from './dsp-behavior.ts';
import { type DspStats, recordLeaks } from './dsp-fleet.ts';
import { encodeTcfV2 } from './tcf-string.ts';
import { BOT_UAS } from './traffic-mix.ts';

const fresh = (): DspStats => ({
  id: defaultProfile(0).id,
  port: 9101,
  received: 0,
  answered: {},
  notices: { win: 0, bill: 0, loss: 0 },
  billedCpm: 0,
  leaks: { coppaWithIds: 0, coppaPreciseGeo: 0, gdprNoConsentWithIds: 0, botUa: 0 },
  maxInFlight: 0,
  bodyErrors: 0,
});

describe('recordLeaks', () => {
  it('flags user ids and precise geo under COPPA', () => {
    const s = fresh();
    recordLeaks(s, { regs: { coppa: 1 }, user: { id: 'u1' }, device: { geo: { lat: 40.7128 } } });
    expect(s.leaks).toMatchObject({ coppaWithIds: 1, coppaPreciseGeo: 1 });
  });

  it('accepts a scrubbed COPPA request', () => {
    const s = fresh();
    recordLeaks(s, { regs: { coppa: 1 }, user: {}, device: { geo: { lat: 40.71, country: 'USA' } } });
    expect(s.leaks).toMatchObject({ coppaWithIds: 0, coppaPreciseGeo: 0 });
  });

  it('flags ids sent without GDPR consent, and bot traffic', () => {
    const s = fresh();
    const none = encodeTcfV2({ purposes: [], vendors: [] });
    recordLeaks(s, { regs: { gdpr: 1 }, user: { consent: none, buyeruid: 'b' }, device: { ua: BOT_UAS[0] } });
    recordLeaks(s, { regs: { ext: { gdpr: 1 } }, user: { ext: { consent: none } }, device: { ifa: 'x' } });
    expect(s.leaks.gdprNoConsentWithIds).toBe(2);
    expect(s.leaks.botUa).toBe(1);
  });
});
