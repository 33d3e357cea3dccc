import { describe, expect, it } from 'vitest';
import type { BidRequest } from '../openrtb/bid-request.ts';
import { decidePrivacy } from './decide.ts';
import { readPrivacySignals } from './signals.ts';
import { encodeGppHeader, encodeTcf, encodeUsSection } from './test-encoder.ts';

const base = (extra: Partial<BidRequest> = {}): BidRequest => ({
  id: 'a',
  at: 2,
  imp: [{ id: '1', banner: { w: 1, h: 1 }, bidfloor: 0, bidfloorcur: 'USD', instl: 0 }],
  site: { id: 's' },
  ...extra,
});
const dsp = { gvlVendorId: 42, tcfPurposes: [1, 2, 3, 4] };
const full = { userIds: true, userData: true, deviceIds: true, preciseGeo: true, fullIp: true };
const none = { userIds: false, userData: false, deviceIds: false, preciseGeo: false, fullIp: false };
const decide = (r: BidRequest, buyer = dsp) => decidePrivacy(readPrivacySignals(r), buyer);

describe('decidePrivacy', () => {
  it('allows everything when no law applies', () => {
    expect(decide(base())).toEqual({ ...full, reasons: [] });
  });

  describe('GDPR + TCF v2', () => {
    const gdpr = (consent?: string) => base({ regs: { gdpr: 1 }, user: consent ? { consent } : {} });
    it('strips all personal data without a consent string', () => {
      expect(decide(gdpr())).toEqual({ ...none, reasons: [{ reason: 'gdpr_no_consent_string' }] });
    });
    it('strips on a malformed string, naming why', () => {
      expect(decide(gdpr('not*tcf'))).toMatchObject({
        ...none,
        reasons: [{ reason: 'gdpr_bad_consent_string' }],
      });
    });
    it('allows with vendor and purpose consent; precise geo needs special feature 1', () => {
      const c = encodeTcf({ purposes: [1, 2, 3, 4], vendors: [42] });
      expect(decide(gdpr(c))).toEqual({
        ...full,
        preciseGeo: false,
        reasons: [{ reason: 'gdpr_no_precise_geo_opt_in' }],
      });
      const g = encodeTcf({ purposes: [1, 2, 3, 4], vendors: [42], specialFeatures: [1] });
      expect(decide(gdpr(g))).toEqual({ ...full, reasons: [] });
    });
    it('strips when the vendor has no consent', () => {
      const c = encodeTcf({ purposes: [1, 2, 3, 4], vendors: [41, 43] });
      expect(decide(gdpr(c))).toEqual({
        ...none,
        reasons: [{ reason: 'gdpr_no_vendor_consent', vendorId: 42 }],
      });
    });
    it('strips when a needed purpose lacks consent; LI covers purpose 2 only', () => {
      const c = encodeTcf({ purposes: [1, 3], purposesLI: [2, 4], vendors: [42], vendorsLI: [42] });
      expect(decide(gdpr(c))).toEqual({
        ...none,
        reasons: [{ reason: 'gdpr_no_purpose_consent', purposes: [4] }],
      });
    });
    it('honours publisher restrictions on the vendor', () => {
      const consent = {
        purposes: [1, 2, 3, 4],
        purposesLI: [2],
        vendors: [42],
        vendorsLI: [42],
        specialFeatures: [1],
      };
      const forbid = encodeTcf({ ...consent, restrictions: [{ purpose: 3, type: 0, vendors: [42] }] });
      expect(decide(gdpr(forbid))).toMatchObject({
        ...none,
        reasons: [{ reason: 'gdpr_no_purpose_consent', purposes: [3] }],
      });
      const otherVendor = encodeTcf({ ...consent, restrictions: [{ purpose: 3, type: 0, vendors: [7] }] });
      expect(decide(gdpr(otherVendor))).toEqual({ ...full, reasons: [] });
      // Purpose 2 restricted to legitimate interest: fine, the vendor has LI for it.
      const liOnly = encodeTcf({ ...consent, restrictions: [{ purpose: 2, type: 2, vendors: [42] }] });
      expect(decide(gdpr(liOnly))).toEqual({ ...full, reasons: [] });
      const liOnlyNoLi = encodeTcf({
        ...consent,
        vendorsLI: [],
        restrictions: [{ purpose: 2, type: 2, vendors: [42] }],
      });
      expect(decide(gdpr(liOnlyNoLi))).toMatchObject({ ...none, reasons: [{ purposes: [2] }] });
    });
    it('strips for a DSP without a TCF vendor id', () => {
      const c = encodeTcf({ purposes: [1, 2, 3, 4], vendors: [42] });
      expect(decide(gdpr(c), { tcfPurposes: [1] } as typeof dsp)).toMatchObject({
        ...none,
        reasons: [{ reason: 'gdpr_vendor_unregistered' }],
      });
    });
    it('a consent string without regs.gdpr means GDPR applies; explicit gdpr = 0 means it does not', () => {
      const c = encodeTcf({ purposes: [1], vendors: [7] });
      expect(decide(base({ user: { consent: c } }))).toMatchObject(none);
      expect(decide(base({ regs: { gdpr: 0 }, user: { consent: c } }))).toEqual({ ...full, reasons: [] });
    });
    it('reads the consent from the GPP EU section when user.consent is absent', () => {
      const c = encodeTcf({ purposes: [1, 2, 3, 4], vendors: [42], specialFeatures: [1] });
      const r = base({ regs: { gpp: `${encodeGppHeader([2])}~${c}`, gpp_sid: [2] } });
      expect(decide(r)).toEqual({ ...full, reasons: [] });
    });
  });

  it('US opt-out strips ids and data, coarsens geo and IP', () => {
    expect(decide(base({ regs: { us_privacy: '1YYN' } }))).toEqual({
      ...none,
      reasons: [{ reason: 'us_opt_out' }],
    });
    expect(decide(base({ regs: { us_privacy: '1YNN' } }))).toEqual({ ...full, reasons: [] });
    const gpp = `${encodeGppHeader([7])}~${encodeUsSection([1, 1, 1, 1, 1, 1, 1, 2, 2])}`;
    expect(decide(base({ regs: { gpp, gpp_sid: [7] } }))).toMatchObject({ ...none });
  });

  it('an unreadable US signal counts as an opt-out', () => {
    expect(decide(base({ regs: { us_privacy: '1Y?N' } }))).toMatchObject(none);
    expect(decide(base({ regs: { gpp: '!!!', gpp_sid: [7] } }))).toMatchObject(none);
  });

  it('COPPA strips everything for every buyer, even with full consent', () => {
    const c = encodeTcf({ purposes: [1, 2, 3, 4], vendors: [42], specialFeatures: [1] });
    expect(decide(base({ regs: { coppa: 1, gdpr: 1 }, user: { consent: c } }))).toEqual({
      ...none,
      reasons: [{ reason: 'coppa' }],
    });
  });

  it('lmt removes device ids only', () => {
    expect(decide(base({ device: { lmt: 1 } }))).toEqual({
      ...full,
      deviceIds: false,
      reasons: [{ reason: 'lmt' }],
    });
  });
});
