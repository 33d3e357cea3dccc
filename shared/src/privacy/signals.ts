// Parse step of parse-decide-scrub: read every privacy signal of a request once, decoding the
// consent strings. The result is per request; decide.ts turns it into one decision per buyer.
import type { BidRequest } from '../openrtb/bid-request.ts';
import { coppaApplies } from './coppa.ts';
import { decodeGpp, type GppError, type GppSignals, gppSidImpliesUs } from './gpp.ts';
import { decodeTcfV2, type TcfConsent, type TcfError } from './tcf-v2.ts';
import { decodeUsPrivacy } from './us-privacy.ts';

export interface PrivacySignals {
  /**
   * regs.gdpr = 1, or an applicable GPP EU TCF section, or regs.gdpr absent while a consent
   * string is present (a CMP only writes one where GDPR applies). Explicit gdpr = 0 with no
   * GPP EU section, or no signal at all, counts as not applying.
   */
  gdprApplies: boolean;
  /** The decoded TCF consent (user.consent, else GPP section 2); undefined when absent or bad. */
  tcf?: TcfConsent;
  /** Why a consent string that was present could not be used. */
  tcfError?: TcfError;
  coppa: boolean;
  /** Opt-out of sale/sharing from us_privacy or GPP (or an unreadable US GPP signal). */
  usOptOut: boolean;
  gpp?: GppSignals;
  gppError?: GppError;
  /** device.lmt = 1: the OS asked not to track this device. */
  lmt: boolean;
}

export function readPrivacySignals(request: BidRequest): PrivacySignals {
  const regs = request.regs;
  let gpp: GppSignals | undefined;
  let gppError: GppError | undefined;
  if (regs?.gpp) {
    const g = decodeGpp(regs.gpp, regs.gpp_sid);
    if (g.ok) gpp = g.value;
    else gppError = g.error;
  }
  let usOptOut =
    gpp?.usOptOut ?? (gppError !== undefined && (gppSidImpliesUs(regs?.gpp_sid) || !regs?.gpp_sid));
  if (regs?.us_privacy) {
    const usp = decodeUsPrivacy(regs.us_privacy);
    // An unreadable US privacy string is read as an opt-out: when unsure, forward less.
    if (!usp.ok || usp.value.optOutSale === true) usOptOut = true;
  }
  const consentString = request.user?.consent ?? gpp?.tcfEuV2;
  const tcf = consentString ? decodeTcfV2(consentString) : undefined;
  // One literal with every key, absent ones undefined: a key added afterwards gives a hidden class
  // that dies with the request and takes optimized code along at the runtime's next full GC.
  return {
    gdprApplies:
      regs?.gdpr === 1 || gpp?.tcfEuV2 !== undefined || (regs?.gdpr === undefined && !!request.user?.consent),
    tcf: tcf?.ok ? tcf.value : undefined,
    tcfError: tcf && !tcf.ok ? tcf.error : undefined,
    coppa: coppaApplies(request),
    usOptOut,
    gpp,
    gppError,
    lmt: request.device?.lmt === 1,
  };
}

/** The privacy block of the auction event (events.ts AuctionEvent.privacy). */
export function privacySummary(s: PrivacySignals): {
  gdpr: boolean;
  consent: boolean;
  coppa: boolean;
  usOptOut: boolean;
} {
  return { gdpr: s.gdprApplies, consent: s.tcf !== undefined, coppa: s.coppa, usOptOut: s.usOptOut };
}
