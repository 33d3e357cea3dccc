// Privacy for the fan-out, per shared/src/privacy (parse, decide, scrub): signals read once per
// request, one decision per buyer, a scrubbed copy per DSP. DSPs with the same TCF registration
// get the same decision, so the copy is made once per distinct (vendor, purposes).
import type { BidRequest } from '@edge-rtb/shared/openrtb/bid-request';
import { allowsAll, decidePrivacy, type PrivacyDecision } from '@edge-rtb/shared/privacy/decide';
import { scrubRequest } from '@edge-rtb/shared/privacy/scrub';
import { privacySummary, readPrivacySignals } from '@edge-rtb/shared/privacy/signals';
import type { DspConfig } from '@edge-rtb/shared/snapshot';

export interface PrivacyPlan {
  summary: ReturnType<typeof privacySummary>;
  decisionFor(dsp: DspConfig): PrivacyDecision;
  /** `req` is the request about to go out (the one planned for, plus the schain node). */
  requestFor(dsp: DspConfig, req: BidRequest): BidRequest;
}

export function planPrivacy(req: BidRequest): PrivacyPlan {
  const signals = readPrivacySignals(req);
  const decisions = new Map<string, PrivacyDecision>();
  const copies = new Map<string, BidRequest>();
  const keyOf = (dsp: DspConfig) => `${dsp.gvlVendorId ?? '-'}:${dsp.tcfPurposes.join(',')}`;
  const decisionFor = (dsp: DspConfig) => {
    const k = keyOf(dsp);
    let d = decisions.get(k);
    if (!d) {
      d = decidePrivacy(signals, dsp);
      decisions.set(k, d);
    }
    return d;
  };
  return {
    summary: privacySummary(signals),
    decisionFor,
    requestFor(dsp, out) {
      const d = decisionFor(dsp);
      if (allowsAll(d)) return out;
      const k = keyOf(dsp);
      let copy = copies.get(k);
      if (!copy) {
        copy = scrubRequest(out, d);
        copies.set(k, copy);
      }
      return copy;
    },
  };
}
