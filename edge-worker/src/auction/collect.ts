// Everything that bid, as auction candidates: own campaigns' bids (indexed back to their lease
// holds) and each DSP's answers after shared validation. Every rejected bid and every DSP's
// outcome is written into the auction's facts for the events.

import { dspCandidates } from '@edge-rtb/shared/auction/candidates';
import type { CandidateBid } from '@edge-rtb/shared/auction/types';
import type { DspOutcome } from '@edge-rtb/shared/events';
import type { BidRequest } from '@edge-rtb/shared/openrtb/bid-request';
import type { ConfigSnapshot } from '@edge-rtb/shared/snapshot';
import type { OwnBid, SatOut } from '../campaigns/own-bidder.ts';
import type { AuctionFacts } from '../events/auction-events.ts';
import type { DspResult } from '../fanout/fan-out.ts';
import { validateAdapterBids } from '../fanout/validate-bids.ts';

export interface Collected {
  candidates: CandidateBid[];
  own: Map<CandidateBid, OwnBid>;
}

export function collectCandidates(
  req: BidRequest,
  snap: ConfigSnapshot,
  own: { bids: OwnBid[]; satOut: SatOut[] },
  results: DspResult[],
  filtered: DspOutcome[],
  facts: AuctionFacts,
): Collected {
  const candidates: CandidateBid[] = [];
  const ownIndex = new Map<CandidateBid, OwnBid>();
  for (const o of own.bids) {
    const cand: CandidateBid = {
      bidderKind: 'campaign',
      bidderId: o.campaign.id,
      seat: o.campaign.advertiserId,
      priceCpmMicros: o.cpmMicros,
      cur: snap.exchange.currency,
      bid: o.bid,
    };
    ownIndex.set(cand, o);
    candidates.push(cand);
  }
  for (const s of own.satOut)
    facts.rejected.push(rejection('campaign', s.campaignId, s.impId, `${s.campaignId}:${s.impId}`, s.reason));

  const currencies = Object.keys(snap.currencyRates);
  // slice and a loop, not spreads: a spread walks the iterator protocol, garbage per DSP.
  const outcomes: DspOutcome[] = filtered.slice();
  for (const r of results) {
    const { valid, rejected } = validateAdapterBids(r.bids, req, currencies);
    for (const d of r.dropped) facts.rejected.push(rejection('dsp', r.dsp.id, d.impId, d.bidId, d.reason));
    for (const e of rejected)
      facts.rejected.push(
        rejection('dsp', r.dsp.id, e.impId ?? '', e.bidId ?? '', `${e.reason}:${e.code}:${e.message}`),
      );
    for (const c of dspCandidates(r.dsp.id, {
      id: req.id,
      cur: snap.exchange.currency,
      bids: valid,
      errors: [],
    }))
      candidates.push(c);
    // A DSP whose every bid failed validation answered, but not usefully: 'invalid', with why.
    const outcome = r.outcome === 'bid' && valid.length === 0 ? 'invalid' : r.outcome;
    const why =
      rejected.length === 0
        ? r.reason
        : rejected.length === 1
          ? rejected[0]!.message
          : `${rejected[0]!.message}; ${rejected[1]!.message}`;
    // Outcomes are literals with every key (no spreads): see auction-events.ts.
    outcomes.push({
      dspId: r.dsp.id,
      latencyMs: r.latencyMs,
      outcome,
      bids: valid.length,
      reason: why || undefined,
    });
  }
  facts.dsps = outcomes;
  facts.accepted = candidates;
  facts.own = ownIndex;
  return { candidates, own: ownIndex };
}

type Rejected = AuctionFacts['rejected'][number];

/** One literal with every key for every rejection, so they all share a shape (auction-events.ts). */
function rejection(
  bidderKind: Rejected['bidderKind'],
  bidderId: string,
  impId: string,
  bidId: string,
  reason: string,
): Rejected {
  return { bidderKind, bidderId, impId, bidId, crid: undefined, price: undefined, reason };
}
