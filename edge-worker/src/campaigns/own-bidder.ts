// Own campaigns as bidders: for each imp, every active campaign whose targeting and a creative
// fit bids what the scorer says, provided the request's blocklists allow it and the lease
// wallet can hold the impression's cost. No lease, no bid: the campaign sits out and the
// wallet fetches one in the background. Holds are released or spent by the caller after the auction.
import { requestBlock } from '@edge-rtb/shared/auction/blocks';
import { impressionCost } from '@edge-rtb/shared/money';
import type { Bid } from '@edge-rtb/shared/openrtb/bid';
import type { BidRequest } from '@edge-rtb/shared/openrtb/bid-request';
import type { Imp } from '@edge-rtb/shared/openrtb/imp';
import type { AdFormat, CampaignConfig, CreativeConfig } from '@edge-rtb/shared/snapshot';
import { countryOf, formatsOf, overlaps } from '../policy/eligibility.ts';
import { listsDomain } from '../policy/request-policy.ts';
import type { HoldTicket, LeaseWallet } from './lease-wallet.ts';
import type { Scorer } from './scorer.ts';

export interface OwnBid {
  campaign: CampaignConfig;
  creative: CreativeConfig;
  imp: Imp;
  /** Bid in exchange currency, CPM micros. */
  cpmMicros: number;
  bid: Bid;
  ticket: HoldTicket;
}

export interface SatOut {
  campaignId: string;
  impId: string;
  reason: string;
}

const MTYPE: Record<AdFormat, number> = { banner: 1, video: 2, audio: 3, native: 4 };

export function ownBids(
  req: BidRequest,
  campaigns: readonly CampaignConfig[],
  scorer: Scorer,
  wallet: LeaseWallet,
  waitUntil: (p: Promise<unknown>) => void,
): { bids: OwnBid[]; satOut: SatOut[] } {
  const bids: OwnBid[] = [];
  const satOut: SatOut[] = [];
  // Loops, not filter/find callbacks: a closure made per auction loses its optimized code at
  // every full GC in workerd.
  const active: CampaignConfig[] = [];
  for (const c of campaigns) if (c.status === 'active' && targets(c, req)) active.push(c);
  for (const imp of req.imp) {
    for (const campaign of active) {
      const creative = creativeFor(campaign, imp);
      if (!creative) continue;
      const cpmMicros = scorer.score({ request: req, imp, campaign, creative });
      if (cpmMicros === null || cpmMicros <= 0) continue;
      const bid: Bid = {
        id: `${campaign.id}:${imp.id}`,
        impid: imp.id,
        price: cpmMicros / 1e6,
        adm: creative.markup,
        adomain: creative.adomain.length ? creative.adomain : campaign.adomain,
        cat: creative.cat.length ? creative.cat : campaign.cat,
        attr: creative.attr,
        crid: creative.id,
        cid: campaign.id,
        w: creative.w,
        h: creative.h,
        mtype: MTYPE[creative.format],
      };
      // The auction would drop a blocked bid anyway; checking first keeps its money unheld.
      const blocked = requestBlock(req, imp, bid, undefined);
      if (blocked) {
        satOut.push({
          campaignId: campaign.id,
          impId: imp.id,
          reason: `${blocked.reason}:${blocked.detail}`,
        });
        continue;
      }
      const ticket = wallet.hold(campaign.id, impressionCost(cpmMicros), waitUntil);
      if ('reason' in ticket) {
        satOut.push({ campaignId: campaign.id, impId: imp.id, reason: ticket.reason });
        continue;
      }
      bids.push({ campaign, creative, imp, cpmMicros, bid, ticket });
    }
  }
  return { bids, satOut };
}

function creativeFor(campaign: CampaignConfig, imp: Imp): CreativeConfig | undefined {
  for (const cr of campaign.creatives) if (fits(cr, imp)) return cr;
  return undefined;
}

function targets(c: CampaignConfig, req: BidRequest): boolean {
  const t = c.targeting;
  if (t.formats?.length && !overlaps(formatsOf(req), t.formats)) return false;
  const country = countryOf(req);
  if (t.countries?.length && (!country || !t.countries.includes(country))) return false;
  const domain = req.site?.domain;
  if (t.domains?.length && (!domain || !listsDomain(t.domains, domain))) return false;
  const bundle = req.app?.bundle;
  if (t.bundles?.length && (!bundle || !t.bundles.includes(bundle))) return false;
  const dt = req.device?.devicetype;
  if (t.deviceTypes?.length && (dt === undefined || !t.deviceTypes.includes(dt))) return false;
  return true;
}

function fits(cr: CreativeConfig, imp: Imp): boolean {
  switch (cr.format) {
    case 'banner': {
      const b = imp.banner;
      if (!b) return false;
      if (b.w === cr.w && b.h === cr.h) return true;
      for (const f of b.format ?? []) if (f.w === cr.w && f.h === cr.h) return true;
      return false;
    }
    case 'video':
      return imp.video !== undefined;
    case 'audio':
      return imp.audio !== undefined;
    case 'native':
      return imp.native !== undefined;
  }
}
