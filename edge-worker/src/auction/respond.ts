// The BidResponse the SSP gets, via shared buildBidResponse: the edge's part is the decoration
// of each winner: a response-unique bid id, the exchange's own signed nurl/burl/lurl (the
// buyer's ride inside the tokens), the buyer's markup with ${AUCTION_PRICE} etc. filled in at the
// buyer's clearing price in its own currency, and for HTML markup an impression pixel and the
// first link wrapped in a click tracker.
// Signing is async, so every winner is signed first and the pure decorate function reads it.
import { buildBidResponse } from '@edge-rtb/shared/auction/build-response';
import { convertMicros } from '@edge-rtb/shared/auction/currency';
import type { AuctionOutcome, Winner } from '@edge-rtb/shared/auction/types';
import type { Bid } from '@edge-rtb/shared/openrtb/bid';
import type { BidRequest } from '@edge-rtb/shared/openrtb/bid-request';
import type { BidResponse } from '@edge-rtb/shared/openrtb/bid-response';
import type { OwnBid } from '../campaigns/own-bidder.ts';
import { expandMacros } from '../notices/macros.ts';
import type { NoticeSigner } from '../notices/notice-token.ts';
import { type NoticeUrls, signNoticeUrls, type WinContext } from '../notices/notice-urls.ts';

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
  // A loop, not Promise.all over a map callback: the runtime's HMAC completes at once, and a
  // closure made per auction loses its optimized code at every full GC in workerd.
  for (const imp of outcome.imps)
    if (imp.winner)
      signed.set(
        imp.impId,
        await signNoticeUrls(signer, winContext(imp.winner, imp.impId, outcome.currency, ctx)),
      );
  const decorating: Decorating = { req, currency: outcome.currency, ctx, signed };
  return buildBidResponse(req, outcome, {
    currencyRates: ctx.currencyRates,
    bidId: ctx.auctionId,
    decorate,
    decorateCtx: decorating,
  });
}

/** What signing needs of one winner: every key set (absent ones undefined), see toWire. */
function winContext(w: Winner, impId: string, currency: string, ctx: RespondContext): WinContext {
  const c = w.candidate;
  const own = ctx.own.get(c);
  const html = isHtml(c.bid.adm);
  const link = html ? FIRST_LINK.exec(c.bid.adm as string) : null;
  return {
    base: ctx.base,
    auctionId: ctx.auctionId,
    impId,
    bidId: c.bid.id,
    bidderKind: c.bidderKind,
    bidderId: c.bidderId,
    priceCpmMicros: w.clearingCpmMicros,
    currency,
    buyerPriceCpmMicros: buyerPrice(w, currency, ctx.currencyRates),
    buyerCurrency: c.cur,
    expiresAt: ctx.now + ctx.noticeTtlMs,
    crid: c.bid.crid || undefined,
    campaignId: own?.campaign.id,
    leaseId: own?.ticket.leaseId,
    seat: c.seat || undefined,
    buyerNurl: c.bid.nurl || undefined,
    buyerBurl: c.bid.burl || undefined,
    buyerLurl: c.bid.lurl || undefined,
    withPixel: html || undefined,
    dest: link ? link[1]!.replaceAll('&amp;', '&') : undefined,
  };
}

interface Decorating {
  req: BidRequest;
  currency: string;
  ctx: RespondContext;
  signed: Map<string, NoticeUrls>;
}

function decorate(w: Winner, impId: string, d: Decorating): Partial<Bid> {
  const c = w.candidate;
  const urls = d.signed.get(impId)!;
  let adm =
    c.bid.adm === undefined
      ? undefined
      : expandMacros(c.bid.adm, {
          auctionId: d.req.id,
          bidId: c.bid.id,
          impId,
          seatId: c.seat || undefined,
          adId: c.bid.adid || undefined,
          priceCpmMicros: buyerPrice(w, d.currency, d.ctx.currencyRates),
          currency: c.cur,
          lossCode: undefined,
          minToWinCpmMicros: undefined,
        });
  // The exchange counts impressions and clicks itself: a pixel and the first link wrapped
  // in its click tracker (which redirects to the original destination).
  if (urls.clickUrl && adm !== undefined) adm = adm.replace(FIRST_LINK, `href="${urls.clickUrl}"`);
  if (urls.impUrl && adm !== undefined)
    adm += `<img src="${urls.impUrl}" width="1" height="1" style="display:none" alt="">`;
  return { id: `${impId}-${c.bidderId}`, nurl: urls.nurl, burl: urls.burl, lurl: urls.lurl, adm };
}
