// Privacy for the fan-out, per shared/src/privacy (parse, decide, scrub): signals read once per
// request, one decision per buyer, a scrubbed copy per DSP. DSPs with the same TCF registration
// get the same decision, so the copy is made once per distinct (vendor, purposes).
import type { BidRequest } from '@edge-rtb/shared/openrtb/bid-request';
import { allowsAll, decidePrivacy, type PrivacyDecision } from '@edge-rtb/shared/privacy/decide';
import { scrubRequest } from '@edge-rtb/shared/privacy/scrub';
import { type PrivacySignals, privacySummary, readPrivacySignals } from '@edge-rtb/shared/privacy/signals';
import type { DspConfig } from '@edge-rtb/shared/snapshot';

/**
 * One request's plan: a plain record read by module functions, not an object of closures made per
 * auction (each closure's optimized code is dropped at every full GC in workerd).
 */
export interface PrivacyPlan {
  summary: ReturnType<typeof privacySummary>;
  signals: PrivacySignals;
  decisions: Map<string, PrivacyDecision>;
  copies: Map<string, BidRequest>;
}

export function planPrivacy(req: BidRequest): PrivacyPlan {
  const signals = readPrivacySignals(req);
  return { summary: privacySummary(signals), signals, decisions: new Map(), copies: new Map() };
}

/**
 * DSPs with the same (vendor, purposes) get the same decision and copy. The key is made once per
 * DSP config (which lives as long as its snapshot), not twice per DSP per auction.
 */
const keys = new WeakMap<DspConfig, string>();
function keyOf(dsp: DspConfig): string {
  let k = keys.get(dsp);
  if (k === undefined) {
    k = `${dsp.gvlVendorId ?? '-'}:${dsp.tcfPurposes.join(',')}`;
    keys.set(dsp, k);
  }
  return k;
}

/** `req` is the request about to go out (the one planned for, plus the schain node). */
export function requestFor(plan: PrivacyPlan, dsp: DspConfig, req: BidRequest): BidRequest {
  const k = keyOf(dsp);
  let d = plan.decisions.get(k);
  if (!d) {
    d = decidePrivacy(plan.signals, dsp);
    plan.decisions.set(k, d);
  }
  if (allowsAll(d)) return req;
  let copy = plan.copies.get(k);
  if (!copy) {
    copy = scrubRequest(req, d);
    plan.copies.set(k, copy);
  }
  return copy;
}
