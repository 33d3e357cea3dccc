// Seam to shared/src/privacy: signals decoded once per request, one decision per DSP, and the
// scrubbed copy each DSP may see. Until the shared decision lands this forwards the request as
// is and reports the raw signals; see the edge README's "open points".
import type { BidRequest } from '@edge-rtb/shared/openrtb/bid-request';
import type { DspConfig } from '@edge-rtb/shared/snapshot';

export interface PrivacyPlan {
  summary: { gdpr: boolean; consent: boolean; coppa: boolean; usOptOut: boolean };
  requestFor(dsp: DspConfig): BidRequest;
}

export function planPrivacy(req: BidRequest): PrivacyPlan {
  return {
    summary: {
      gdpr: req.regs?.gdpr === 1,
      consent: typeof req.user?.consent === 'string' && req.user.consent.length > 0,
      coppa: req.regs?.coppa === 1,
      usOptOut: req.regs?.us_privacy?.[2] === 'Y',
    },
    requestFor: () => req,
  };
}
