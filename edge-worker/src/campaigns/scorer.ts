// How an own campaign values an impression, behind an interface so learned CTR/CVR models
// (scored locally from the core's model snapshot) can replace it without touching the auction.
// Until models exist the configured bid is used: fixed CPM as is; target CPC / CPA through a
// conservative prior rate, so an unlearned campaign bids low rather than burning budget.
import type { BidRequest } from '@edge-rtb/shared/openrtb/bid-request';
import type { Imp } from '@edge-rtb/shared/openrtb/imp';
import type { CampaignConfig, CreativeConfig } from '@edge-rtb/shared/snapshot';

export interface ScoreInput {
  request: BidRequest;
  imp: Imp;
  campaign: CampaignConfig;
  creative: CreativeConfig;
}

export interface Scorer {
  /** Bid in CPM micros, or null to sit out. */
  score(input: ScoreInput): number | null;
}

const PRIOR_CTR = 0.001;
const PRIOR_CVR = 0.0001;

export const configuredBidScorer: Scorer = {
  score({ campaign }) {
    const s = campaign.bidStrategy;
    const cpm =
      s.kind === 'fixed_cpm'
        ? s.cpmMicros
        : s.kind === 'target_cpc'
          ? Math.floor(s.cpcMicros * PRIOR_CTR * 1000)
          : Math.floor(s.cpaMicros * PRIOR_CVR * 1000);
    const capped = Math.min(cpm, campaign.maxCpmMicros);
    return capped > 0 ? capped : null;
  },
};
