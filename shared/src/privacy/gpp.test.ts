import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeGpp } from './gpp.ts';
import { encodeGppHeader, encodeTcf, encodeUsSection } from './test-encoder.ts';

// usnat fields after the version: 6 notices, then SaleOptOut, SharingOptOut, TargetedAdvertisingOptOut.
const usnat = (sale: number, sharing: number, targeted: number) =>
  encodeUsSection([1, 1, 1, 1, 1, 1, sale, sharing, targeted, ...Array(16).fill(0)]);

describe('decodeGpp', () => {
  it('decodes the GPP spec example header (sections 2 and 6)', () => {
    const r = decodeGpp('DBACNY~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA~1YNN');
    expect(r).toMatchObject({ ok: true, value: { sectionIds: [2, 6], usOptOut: false } });
    expect(r.ok && r.value.tcfEuV2).toBe('CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA');
  });
  it('our header encoder agrees with the published example', () => {
    expect(encodeGppHeader([2, 6])).toBe('DBACNY');
  });
  it('reads opt-outs from the US national section', () => {
    const h = encodeGppHeader([7]);
    expect(decodeGpp(`${h}~${usnat(2, 2, 2)}`)).toMatchObject({ ok: true, value: { usOptOut: false } });
    expect(decodeGpp(`${h}~${usnat(1, 2, 2)}`)).toMatchObject({ ok: true, value: { usOptOut: true } });
    expect(decodeGpp(`${h}~${usnat(2, 2, 1)}`)).toMatchObject({ ok: true, value: { usOptOut: true } });
  });
  it('reads state sections whose layout it knows (CA: 3 notices, then sale)', () => {
    const h = encodeGppHeader([8]);
    expect(decodeGpp(`${h}~${encodeUsSection([1, 1, 1, 1, 2])}`)).toMatchObject({
      ok: true,
      value: { usOptOut: true },
    });
    expect(decodeGpp(`${h}~${encodeUsSection([1, 1, 1, 2, 2])}`)).toMatchObject({
      ok: true,
      value: { usOptOut: false },
    });
  });
  it('treats unknown or undecodable US sections as an opt-out', () => {
    expect(decodeGpp(`${encodeGppHeader([13])}~${usnat(2, 2, 2)}`)).toMatchObject({
      ok: true,
      value: { usOptOut: true, undecoded: [13] },
    });
    expect(decodeGpp(`${encodeGppHeader([7])}~A`)).toMatchObject({
      ok: true,
      value: { usOptOut: true, undecoded: [7] },
    });
    expect(decodeGpp(`${encodeGppHeader([2])}~${encodeTcf()}`, [2, 7])).toMatchObject({
      ok: true,
      value: { usOptOut: true, undecoded: [7] },
    });
  });
  it('honours gpp_sid: sections not listed do not apply', () => {
    const s = `${encodeGppHeader([2, 7])}~${encodeTcf()}~${usnat(1, 1, 1)}`;
    expect(decodeGpp(s, [2])).toMatchObject({ ok: true, value: { applicable: [2], usOptOut: false } });
    expect(decodeGpp(s)).toMatchObject({ ok: true, value: { applicable: [2, 7], usOptOut: true } });
  });
  it('rejects a bad header or a section count mismatch', () => {
    expect(decodeGpp('***~x')).toEqual({ ok: false, error: { reason: 'bad_header' } });
    expect(decodeGpp(`${encodeGppHeader([2, 6])}~only-one`)).toEqual({
      ok: false,
      error: { reason: 'section_count' },
    });
  });
  it('never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        expect(typeof decodeGpp(s).ok).toBe('boolean');
      }),
    );
  });
});
