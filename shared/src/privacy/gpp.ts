// IAB Global Privacy Platform string: "header~section~section...". The header (base64url bits)
// holds Type (6 bits, = 3), Version (6 bits) and the section ids as a Fibonacci-coded range
// list; sections follow in that order. We decode what the sale/sharing decision needs:
// the EU TCF v2 section (2), US Privacy v1 (6), US national (7) and the state sections whose
// layouts we know (8 CA, 9 VA, 10 CO, 11 UT, 12 CT). Any other US section, or one we cannot
// decode, counts as an opt-out: when unsure, forward less.
import { err, ok, type Result } from '../result.ts';
import { BitReader } from './bits.ts';
import { decodeUsPrivacy } from './us-privacy.ts';

export const GppSection = {
  TcfEuV2: 2,
  UspV1: 6,
  UsNat: 7,
  UsCa: 8,
  UsVa: 9,
  UsCo: 10,
  UsUt: 11,
  UsCt: 12,
} as const;

/** US sections (national and state) registered so far run from 6 to 23. */
const isUsSection = (id: number) => id >= 6 && id <= 23;

/** Bit offsets, counted after the 6-bit version, of the 2-bit opt-out fields of each known US section. */
const OPT_OUT_OFFSETS: Record<number, number[]> = {
  7: [12, 14, 16], // usnat: 6 notices, then SaleOptOut, SharingOptOut, TargetedAdvertisingOptOut
  8: [6, 8], // usca: 3 notices, then SaleOptOut, SharingOptOut
  9: [6, 8], // usva: 3 notices, then SaleOptOut, TargetedAdvertisingOptOut
  10: [6, 8], // usco: as usva
  11: [8, 10], // usut: 4 notices, then SaleOptOut, TargetedAdvertisingOptOut
  12: [6, 8], // usct: as usva
};
/** Opt-out field values: 0 not applicable, 1 opted out, 2 did not opt out. */
const OPTED_OUT = 1;

export interface GppSignals {
  /** Section ids listed in the header. */
  sectionIds: number[];
  /** Sections that apply: regs.gpp_sid when given, else all listed. */
  applicable: number[];
  /** The EU TCF v2 consent string carried in section 2, when applicable. */
  tcfEuV2?: string;
  /** Opted out of sale, sharing or targeted advertising in an applicable US section. */
  usOptOut: boolean;
  /** Applicable US sections we could not decode (each counted as an opt-out). */
  undecoded: number[];
}

export type GppError =
  | { reason: 'bad_header' }
  | { reason: 'wrong_type'; type: number }
  | { reason: 'section_count' };

function headerIds(header: string): Result<number[], GppError> {
  const r = BitReader.fromBase64Url(header);
  if (!r) return err({ reason: 'bad_header' });
  const type = r.int(6);
  const version = r.int(6);
  const count = r.int(12);
  if (type === undefined || version === undefined || count === undefined)
    return err({ reason: 'bad_header' });
  if (type !== 3) return err({ reason: 'wrong_type', type });
  const ids: number[] = [];
  let last = 0;
  for (let i = 0; i < count; i++) {
    const isRange = r.bool();
    const start = r.fibonacci();
    if (isRange === undefined || start === undefined) return err({ reason: 'bad_header' });
    const first = last + start;
    let end = first;
    if (isRange) {
      const span = r.fibonacci();
      if (span === undefined) return err({ reason: 'bad_header' });
      end = first + span;
    }
    if (end > 1000) return err({ reason: 'bad_header' });
    for (let id = first; id <= end; id++) ids.push(id);
    last = end;
  }
  return ok(ids);
}

function usSectionOptOut(id: number, text: string): boolean | undefined {
  if (id === GppSection.UspV1) {
    const usp = decodeUsPrivacy(text);
    return usp.ok ? usp.value.optOutSale === true : undefined;
  }
  const offsets = OPT_OUT_OFFSETS[id];
  if (!offsets) return undefined;
  const r = BitReader.fromBase64Url(text.split('.')[0] as string);
  if (!r) return undefined;
  const values = offsets.map((off) => {
    r.pos = 6 + off;
    return r.int(2);
  });
  if (values.some((v) => v === undefined)) return undefined;
  return values.includes(OPTED_OUT);
}

export function decodeGpp(gpp: string, gppSid?: readonly number[]): Result<GppSignals, GppError> {
  const [header, ...sections] = gpp.split('~');
  const ids = headerIds(header ?? '');
  if (!ids.ok) return ids;
  if (ids.value.length !== sections.length) return err({ reason: 'section_count' });
  const applicable = gppSid ? ids.value.filter((id) => gppSid.includes(id)) : ids.value;
  const out: GppSignals = { sectionIds: ids.value, applicable, usOptOut: false, undecoded: [] };
  ids.value.forEach((id, i) => {
    if (!applicable.includes(id)) return;
    const text = sections[i] as string;
    if (id === GppSection.TcfEuV2) out.tcfEuV2 = text;
    if (!isUsSection(id)) return;
    const optOut = usSectionOptOut(id, text);
    if (optOut === undefined) out.undecoded.push(id);
    if (optOut !== false) out.usOptOut = true;
  });
  // A US section said to apply but missing from the string cannot be read: forward less.
  for (const id of gppSid ?? []) {
    if (isUsSection(id) && !ids.value.includes(id)) {
      out.undecoded.push(id);
      out.usOptOut = true;
    }
  }
  return ok(out);
}

/** When the string itself cannot be read: an applicable US section id means opt-out. */
export const gppSidImpliesUs = (gppSid: readonly number[] | undefined): boolean =>
  gppSid?.some(isUsSection) ?? false;
