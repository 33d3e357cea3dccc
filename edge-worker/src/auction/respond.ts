// The BidResponse the SSP gets, via shared buildBidResponse: the edge's part is the decoration
// of each winner: a response-unique bid id, the exchange's own signed nurl/burl/lurl (the
// buyer's ride inside the tokens), the buyer's markup with ${AUCTION_PRICE} etc. filled in at the
// buyer's clearing price in its own currency, and for HTML markup an impression pixel and the
// first link wrapped in a click tracker.
// Signing is async, so every winner is signed first and the pure decorate callback reads it.
import { buildBidResponse } from '@edge-rtb/shared/auction/build-response';
import { convertMicros } from '@edge-rtb/shared/auction/currency';
import type { AuctionOutcome, Winner } from '@edge-rtb/shared/auction/types';
import type { Bid } from '@edge-rtb/shared/openrtb/bid';
import type { BidRequest } from '@edge-rtb/shared/openrtb/bid-request';
import type { BidResponse } from '@edge-rtb/shared/openrtb/bid-response';
import type { OwnBid } from '../campaigns/own-bidder.ts';
import { expandMacros } from '../notices/macros.ts';
import type { NoticeSigner } from '../notices/notice-token.ts';
import { type NoticeUrls, signNoticeUrls } from '../notices/notice-urls.ts';

export interface RespondContext {
  auctionId: string;
  base: string;
  currencyRates: Record<string, number>;
  noticeTtlMs: number;
  now: number;
  /** Own-campaign candidates by identity, to find their lease and campaign. */
  own: ReadonlyMap<unknown, OwnBid>;
}

/** HTML markup (not VAST XML, not native JSON) can carry a pixel and a wrapped link. */
const isHtml = (adm: string | undefined): adm is string =>
  adm !== undefined && /^\s*</.test(adm) && !/^\s*<(\?xml|VAST)/i.test(adm);
const FIRST_LINK = /href="(https?:\/\/[^"]+)"/i;

/** The winner's clearing price in its own bid currency (what its macros must say). */
export function buyerPrice(w: Winner, exchangeCur: string, rates: Record<string, number>): number {
  if (w.candidate.cur === exchangeCur) return w.clearingCpmMicros;
  const p = convertMicros(w.clearingCpmMicros, exchangeCur, w.candidate.cur, rates, 'down');
  return p.ok ? p.value : w.clearingCpmMicros;
}

export async function respond(
  req: BidRequest,
  outcome: AuctionOutcome,
  signer: NoticeSigner,
  ctx: RespondContext,
): Promise<BidResponse> {
  const signed = new Map<string, NoticeUrls>();
  await Promise.all(
    outcome.imps.map(async (imp) => {
      const w = imp.winner;
      if (!w) return;
      const c = w.candidate;
      const own = ctx.own.get(c);
      signed.set(
        imp.impId,
        await signNoticeUrls(signer, {
          base: ctx.base,
          auctionId: ctx.auctionId,
          impId: imp.impId,
          bidId: c.bid.id,
          bidderKind: c.bidderKind,
          bidderId: c.bidderId,
          priceCpmMicros: w.clearingCpmMicros,
          currency: outcome.currency,
          buyerPriceCpmMicros: buyerPrice(w, outcome.currency, ctx.currencyRates),
          buyerCurrency: c.cur,
          expiresAt: ctx.now + ctx.noticeTtlMs,
          ...(c.bid.crid ? { crid: c.bid.crid } : {}),
          ...(own ? { campaignId: own.campaign.id, leaseId: own.ticket.leaseId } : {}),
          ...(c.seat ? { seat: c.seat } : {}),
          ...(c.bid.nurl ? { buyerNurl: c.bid.nurl } : {}),
          ...(c.bid.burl ? { buyerBurl: c.bid.burl } : {}),
          ...(c.bid.lurl ? { buyerLurl: c.bid.lurl } : {}),
          ...(isHtml(c.bid.adm) ? { withPixel: true } : {}),
          ...(isHtml(c.bid.adm) && FIRST_LINK.test(c.bid.adm)
            ? { dest: FIRST_LINK.exec(c.bid.adm)![1]!.replaceAll('&amp;', '&') }
            : {}),
        }),
      );
    }),
  );
  return buildBidResponse(req, outcome, {
    currencyRates: ctx.currencyRates,
    bidId: ctx.auctionId,
    decorate: (w, impId): Partial<Bid> => {
      const c = w.candidate;
      const urls = signed.get(impId)!;
      let adm =
        c.bid.adm === undefined
          ? undefined
          : expandMacros(c.bid.adm, {
              auctionId: req.id,
              bidId: c.bid.id,
              impId,
              priceCpmMicros: buyerPrice(w, outcome.currency, ctx.currencyRates),
              currency: c.cur,
              ...(c.seat ? { seatId: c.seat } : {}),
              ...(c.bid.adid ? { adId: c.bid.adid } : {}),
            });
      // The exchange counts impressions and clicks itself: a pixel and the first link wrapped
      // in its click tracker (which redirects to the original destination).
      if (urls.clickUrl && adm !== undefined) adm = adm.replace(FIRST_LINK, `href="${urls.clickUrl}"`);
      if (urls.impUrl && adm !== undefined)
        adm += `<img src="${urls.impUrl}" width="1" height="1" style="display:none" alt="">`;
      return {
        id: `${impId}-${c.bidderId}`,
        nurl: urls.nurl,
        burl: urls.burl,
        lurl: urls.lurl,
        ...(adm !== undefined ? { adm } : {}),
      };
    },
  });
}
