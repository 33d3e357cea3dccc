// TCF v2 (IAB Europe Transparency & Consent Framework) consent string: decode the core segment
// (the first '.'-separated segment), publisher restrictions included. The other segments
// (disclosed vendors, publisher TC) are not needed for the per-DSP decision and are skipped. Layout per the "TCF v2.x Consent String and
// Vendor List Formats" spec, core segment fields in order.
import { err, ok, type Result } from '../result.ts';
import { BitReader } from './bits.ts';

export interface TcfConsent {
  version: number;
  created: Date;
  lastUpdated: Date;
  cmpId: number;
  cmpVersion: number;
  consentScreen: number;
  consentLanguage: string;
  vendorListVersion: number;
  policyVersion: number;
  isServiceSpecific: boolean;
  useNonStandardTexts: boolean;
  specialFeatureOptIns: Set<number>;
  purposeConsents: Set<number>;
  purposeLegitimateInterests: Set<number>;
  purposeOneTreatment: boolean;
  publisherCountryCode: string;
  vendorConsents: IdSet;
  vendorLegitimateInterests: IdSet;
  publisherRestrictions: PublisherRestriction[];
}

/** 0 purpose flatly not allowed, 1 require consent, 2 require legitimate interest, 3 undefined. */
export type RestrictionType = 0 | 1 | 2 | 3;

export interface PublisherRestriction {
  purposeId: number;
  type: RestrictionType;
  vendors: IdSet;
}

/**
 * Vendor ids with consent. Range-encoded sections stay as ranges: expanding 4095 ranges of up to
 * 65535 ids each would let one string cost hundreds of millions of set inserts.
 */
export interface IdSet {
  maxId: number;
  has(id: number): boolean;
}

/**
 * Both kinds are one literal shape with a module-level `has`: closures made per consent string
 * (several per request) lose their optimized code at every full GC in workerd.
 */
interface StoredIdSet extends IdSet {
  set: Set<number> | undefined;
  ranges: [number, number][] | undefined;
}

function storedHas(this: StoredIdSet, id: number): boolean {
  if (this.set) return this.set.has(id);
  for (const r of this.ranges as [number, number][]) if (id >= r[0] && id <= r[1]) return true;
  return false;
}

const bitfieldSet = (maxId: number, set: Set<number>): StoredIdSet => ({
  maxId,
  set,
  ranges: undefined,
  has: storedHas,
});
const rangeSet = (maxId: number, ranges: [number, number][]): StoredIdSet => ({
  maxId,
  set: undefined,
  ranges,
  has: storedHas,
});

export type TcfError =
  | { reason: 'empty' }
  | { reason: 'bad_characters' }
  | { reason: 'unsupported_version'; version: number }
  | { reason: 'truncated'; field: string }
  | { reason: 'bad_vendor_range'; field: string };

const MAX_CONSENT_LENGTH = 8192;

/** Deciseconds since the epoch, as TCF stores timestamps. */
const fromDeciseconds = (ds: number) => new Date(ds * 100);

function letters(r: BitReader): string | undefined {
  const a = r.int(6);
  const b = r.int(6);
  if (a === undefined || b === undefined) return undefined;
  return String.fromCharCode(65 + a, 65 + b);
}

/** Vendor section: MaxVendorId, then a bitfield or a list of ranges. */
/** A list of vendor ids as (IsARange, Start, [End]) entries, kept as ranges. */
function rangeEntries(r: BitReader, field: string, maxId: number): Result<[number, number][], TcfError> {
  const entries = r.int(12);
  if (entries === undefined) return err({ reason: 'truncated', field });
  const ranges: [number, number][] = [];
  for (let i = 0; i < entries; i++) {
    const isSpan = r.bool();
    const start = r.int(16);
    if (isSpan === undefined || start === undefined) return err({ reason: 'truncated', field });
    const end = isSpan ? r.int(16) : start;
    if (end === undefined) return err({ reason: 'truncated', field });
    if (start < 1 || end < start || end > maxId) return err({ reason: 'bad_vendor_range', field });
    ranges.push([start, end]);
  }
  return ok(ranges);
}

/** Vendor section: MaxVendorId, then a bitfield or a list of ranges. */
function vendorSection(r: BitReader, field: string): Result<IdSet, TcfError> {
  const maxId = r.int(16);
  const isRange = r.bool();
  if (maxId === undefined || isRange === undefined) return err({ reason: 'truncated', field });
  if (!isRange) {
    const set = r.bitfield(maxId);
    return set ? ok(bitfieldSet(maxId, set)) : err({ reason: 'truncated', field });
  }
  const ranges = rangeEntries(r, field, maxId);
  return ranges.ok ? ok(rangeSet(maxId, ranges.value)) : ranges;
}

/**
 * Publisher restrictions: per purpose, vendors the publisher restricts. Strings from older CMPs
 * end before this section; fewer than 12 bits left (base64 padding) means none.
 */
function publisherRestrictions(r: BitReader): Result<PublisherRestriction[], TcfError> {
  if (r.remaining < 12) return ok([]);
  const n = r.int(12) as number;
  const out: PublisherRestriction[] = [];
  for (let i = 0; i < n; i++) {
    const purposeId = r.int(6);
    const type = r.int(2);
    if (purposeId === undefined || type === undefined)
      return err({ reason: 'truncated', field: 'publisherRestrictions' });
    const ranges = rangeEntries(r, 'publisherRestrictions', 65_535);
    if (!ranges.ok) return ranges;
    out.push({ purposeId, type: type as RestrictionType, vendors: rangeSet(65_535, ranges.value) });
  }
  return ok(out);
}

export function decodeTcfV2(consent: string): Result<TcfConsent, TcfError> {
  if (!consent) return err({ reason: 'empty' });
  if (consent.length > MAX_CONSENT_LENGTH) return err({ reason: 'truncated', field: 'length' });
  const core = consent.split('.')[0] as string;
  const r = BitReader.fromBase64Url(core);
  if (!r) return err({ reason: 'bad_characters' });
  const version = r.int(6);
  if (version === undefined) return err({ reason: 'truncated', field: 'version' });
  if (version !== 2) return err({ reason: 'unsupported_version', version });
  const created = r.int(36);
  const lastUpdated = r.int(36);
  const cmpId = r.int(12);
  const cmpVersion = r.int(12);
  const consentScreen = r.int(6);
  const consentLanguage = letters(r);
  const vendorListVersion = r.int(12);
  const policyVersion = r.int(6);
  const isServiceSpecific = r.bool();
  const useNonStandardTexts = r.bool();
  const specialFeatureOptIns = r.bitfield(12);
  const purposeConsents = r.bitfield(24);
  const purposeLegitimateInterests = r.bitfield(24);
  const purposeOneTreatment = r.bool();
  const publisherCountryCode = letters(r);
  if (
    created === undefined ||
    lastUpdated === undefined ||
    cmpId === undefined ||
    cmpVersion === undefined ||
    consentScreen === undefined ||
    consentLanguage === undefined ||
    vendorListVersion === undefined ||
    policyVersion === undefined ||
    isServiceSpecific === undefined ||
    useNonStandardTexts === undefined ||
    specialFeatureOptIns === undefined ||
    purposeConsents === undefined ||
    purposeLegitimateInterests === undefined ||
    purposeOneTreatment === undefined ||
    publisherCountryCode === undefined
  )
    return err({ reason: 'truncated', field: 'core' });
  const vendorConsents = vendorSection(r, 'vendorConsents');
  if (!vendorConsents.ok) return vendorConsents;
  const vendorLegitimateInterests = vendorSection(r, 'vendorLegitimateInterests');
  if (!vendorLegitimateInterests.ok) return vendorLegitimateInterests;
  const restrictions = publisherRestrictions(r);
  if (!restrictions.ok) return restrictions;
  return ok({
    version,
    created: fromDeciseconds(created),
    lastUpdated: fromDeciseconds(lastUpdated),
    cmpId,
    cmpVersion,
    consentScreen,
    consentLanguage,
    vendorListVersion,
    policyVersion,
    isServiceSpecific,
    useNonStandardTexts,
    specialFeatureOptIns,
    purposeConsents,
    purposeLegitimateInterests,
    purposeOneTreatment,
    publisherCountryCode,
    vendorConsents: vendorConsents.value,
    vendorLegitimateInterests: vendorLegitimateInterests.value,
    publisherRestrictions: restrictions.value,
  });
}
