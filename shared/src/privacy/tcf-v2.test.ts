import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeTcfV2 } from './tcf-v2.ts';
import { encodeTcf } from './test-encoder.ts';

const ids = (s: { maxId: number; has(id: number): boolean }) =>
  Array.from({ length: s.maxId }, (_, i) => i + 1).filter((i) => s.has(i));

describe('decodeTcfV2: core segment', () => {
  it('decodes every core field of a string we encoded', () => {
    const s = encodeTcf({
      created: new Date('2024-05-06T07:08:09.100Z'),
      cmpId: 300,
      cmpVersion: 2,
      vendorListVersion: 321,
      policyVersion: 4,
      language: 'FR',
      country: 'IT',
      specialFeatures: [1],
      purposes: [1, 2, 3, 4, 7],
      purposesLI: [2, 7, 10],
      vendors: [1, 5, 755],
      vendorsLI: [8],
    });
    const r = decodeTcfV2(`${s}.IF0EWSFgAAAA`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const t = r.value;
    expect(t.version).toBe(2);
    expect(t.created.toISOString()).toBe('2024-05-06T07:08:09.100Z');
    expect([t.cmpId, t.cmpVersion, t.vendorListVersion, t.policyVersion]).toEqual([300, 2, 321, 4]);
    expect([t.consentLanguage, t.publisherCountryCode]).toEqual(['FR', 'IT']);
    expect([...t.specialFeatureOptIns]).toEqual([1]);
    expect([...t.purposeConsents]).toEqual([1, 2, 3, 4, 7]);
    expect([...t.purposeLegitimateInterests]).toEqual([2, 7, 10]);
    expect(ids(t.vendorConsents)).toEqual([1, 5, 755]);
    expect(ids(t.vendorLegitimateInterests)).toEqual([8]);
  });

  it('decodes publisher restrictions, and tolerates strings that end before them', () => {
    const r = decodeTcfV2(encodeTcf({ restrictions: [{ purpose: 7, type: 1, vendors: [3, 9] }] }));
    expect(
      r.ok &&
        r.value.publisherRestrictions.map((x) => [x.purposeId, x.type, x.vendors.has(9), x.vendors.has(4)]),
    ).toEqual([[7, 1, true, false]]);
    // Cut the 12-bit restriction count off the end (2 base64 chars): still decodes, no restrictions.
    const s = encodeTcf({ vendors: [1, 2, 3, 4, 5, 6] });
    const cut = decodeTcfV2(s.slice(0, -2));
    expect(cut.ok && cut.value.publisherRestrictions).toEqual([]);
  });

  it('decodes range-encoded vendor consents', () => {
    const r = decodeTcfV2(encodeTcf({ vendors: [2, 3, 4, 10, 600, 601], ranges: true }));
    expect(r.ok && ids(r.value.vendorConsents)).toEqual([2, 3, 4, 10, 600, 601]);
  });

  it('decodes the TCF section of the GPP spec example (published string)', () => {
    const r = decodeTcfV2('CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.version).toBe(2);
    expect(r.value.created.getTime()).toBe(r.value.lastUpdated.getTime());
    expect(r.value.consentLanguage).toBe('EN');
  });

  it('rejects malformed strings with a reason', () => {
    expect(decodeTcfV2('')).toEqual({ ok: false, error: { reason: 'empty' } });
    expect(decodeTcfV2('CO*x')).toEqual({ ok: false, error: { reason: 'bad_characters' } });
    expect(decodeTcfV2('BOEFEAyOEFEAyAHABDENAI4AAAB9vABAASA')).toMatchObject({
      ok: false,
      error: { reason: 'unsupported_version', version: 1 },
    });
    const full = encodeTcf({ vendors: [1, 2, 3] });
    expect(decodeTcfV2(full.slice(0, 20))).toMatchObject({ ok: false, error: { reason: 'truncated' } });
  });

  it('never throws on arbitrary text and keeps huge ranges cheap', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const r = decodeTcfV2(s);
        expect(typeof r.ok).toBe('boolean');
      }),
    );
    const r = decodeTcfV2(encodeTcf({ vendors: [1, 65535], ranges: true }));
    expect(r.ok && r.value.vendorConsents.has(65535)).toBe(true);
  });
});
