// Decide step: one decision per buyer (DSP, or the exchange's own campaigns) from the request's
// signals and the buyer's TCF registration. Every rule narrows; none widens. The reasons say
// which rule removed what, for events and debugging.
import type { DspConfig } from '../snapshot.ts';
import type { PrivacySignals } from './signals.ts';
import type { TcfConsent, TcfError } from './tcf-v2.ts';

export interface PrivacyDecision {
  /** user.id, user.buyeruid, user.eids, user.ext. */
  userIds: boolean;
  /** user.data, yob, gender, keywords, kwarray, customdata. */
  userData: boolean;
  /** device.ifa and the hashed device/platform/MAC ids. */
  deviceIds: boolean;
  /** lat/lon (with accuracy, lastfix) in device.geo and user.geo. */
  preciseGeo: boolean;
  /** device.ip / ipv6 untruncated. */
  fullIp: boolean;
  reasons: PrivacyReason[];
}

export type PrivacyReason =
  | { reason: 'coppa' }
  | { reason: 'gdpr_no_consent_string' }
  | { reason: 'gdpr_bad_consent_string'; error: TcfError }
  | { reason: 'gdpr_vendor_unregistered' }
  | { reason: 'gdpr_no_vendor_consent'; vendorId: number }
  | { reason: 'gdpr_no_purpose_consent'; purposes: number[] }
  | { reason: 'gdpr_no_precise_geo_opt_in' }
  | { reason: 'us_opt_out' }
  | { reason: 'lmt' };

/** The buyer fields the decision reads (snapshot.ts DspConfig; campaigns use the exchange's own). */
export type PrivacyBuyer = Pick<DspConfig, 'gvlVendorId' | 'tcfPurposes'>;

/** Purposes a vendor may base on legitimate interest instead of consent (TCF policy v2.2: 2, 7-11). */
const LI_PURPOSES = new Set([2, 7, 8, 9, 10, 11]);
/** Purpose 1, storing/accessing information on a device, underlies every user or device id. */
const STORAGE_PURPOSE = 1;
/** Special feature 1: use precise geolocation data. */
const PRECISE_GEO_FEATURE = 1;

/**
 * May vendor `v` process for purpose `p`? By consent (purpose + vendor consent) or, for the
 * purposes TCF allows, by legitimate interest; a publisher restriction on (p, v) can forbid the
 * purpose (type 0) or allow only one of the two legal bases (1 consent, 2 legitimate interest).
 */
function purposeAllowed(tcf: TcfConsent, v: number, p: number): boolean {
  let restriction: number | undefined;
  for (const r of tcf.publisherRestrictions)
    if (r.purposeId === p && r.vendors.has(v)) {
      restriction = r.type;
      break;
    }
  if (restriction === 0) return false;
  const byConsent = tcf.purposeConsents.has(p) && tcf.vendorConsents.has(v);
  const byLi =
    LI_PURPOSES.has(p) && tcf.purposeLegitimateInterests.has(p) && tcf.vendorLegitimateInterests.has(v);
  if (restriction === 1) return byConsent;
  if (restriction === 2) return byLi;
  return byConsent || byLi;
}

function gdprReason(s: PrivacySignals, buyer: PrivacyBuyer): PrivacyReason | undefined {
  if (!s.tcf)
    return s.tcfError
      ? { reason: 'gdpr_bad_consent_string', error: s.tcfError }
      : { reason: 'gdpr_no_consent_string' };
  const v = buyer.gvlVendorId;
  if (v === undefined) return { reason: 'gdpr_vendor_unregistered' };
  if (!s.tcf.vendorConsents.has(v) && !s.tcf.vendorLegitimateInterests.has(v))
    return { reason: 'gdpr_no_vendor_consent', vendorId: v };
  const missing: number[] = [];
  if (!purposeAllowed(s.tcf, v, STORAGE_PURPOSE)) missing.push(STORAGE_PURPOSE);
  for (const p of buyer.tcfPurposes)
    if (p !== STORAGE_PURPOSE && !purposeAllowed(s.tcf, v, p)) missing.push(p);
  return missing.length > 0 ? { reason: 'gdpr_no_purpose_consent', purposes: missing } : undefined;
}

export function decidePrivacy(s: PrivacySignals, buyer: PrivacyBuyer): PrivacyDecision {
  // Module functions and loops, no closures: this runs per buyer per auction, and a closure made
  // per call loses its optimized code at every full GC in workerd.
  const d = fullAccess();
  if (s.coppa) denyAll(d, { reason: 'coppa' });
  if (s.gdprApplies) {
    const why = gdprReason(s, buyer);
    if (why) denyAll(d, why);
    else if (!s.tcf?.specialFeatureOptIns.has(PRECISE_GEO_FEATURE)) {
      d.preciseGeo = false;
      d.reasons.push({ reason: 'gdpr_no_precise_geo_opt_in' });
    }
  }
  // US opt-out of sale/sharing: no ids or profile data, coarse location and IP only.
  if (s.usOptOut) denyAll(d, { reason: 'us_opt_out' });
  if (s.lmt) {
    d.deviceIds = false;
    d.reasons.push({ reason: 'lmt' });
  }
  return d;
}

/** A decision that removes nothing, for the rules to narrow. */
export function fullAccess(): PrivacyDecision {
  return { userIds: true, userData: true, deviceIds: true, preciseGeo: true, fullIp: true, reasons: [] };
}

function denyAll(d: PrivacyDecision, reason: PrivacyReason): void {
  d.userIds = false;
  d.userData = false;
  d.deviceIds = false;
  d.preciseGeo = false;
  d.fullIp = false;
  d.reasons.push(reason);
}

/** True when the decision removes nothing (scrub can skip copying). */
export const allowsAll = (d: PrivacyDecision): boolean =>
  d.userIds && d.userData && d.deviceIds && d.preciseGeo && d.fullIp;
