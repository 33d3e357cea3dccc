// Builds the BidResponse the SSP gets from the auction's winners: the exchange's own signed
// nurl/burl/lurl on every bid (the buyer's ride inside the tokens), the buyer's markup with its
// clearing price substituted for ${AUCTION_PRICE}, and for own campaigns an impression pixel.
import { microsToCpm } from '@edge-rtb/shared/money';
import type { BidRequest } from '@edge-rtb/shared/openrtb/bid-request';
import { expandMacros } from '../notices/macros.ts';
import type { NoticeSigner } from '../notices/notice-token.ts';
import { signNoticeUrls } from '../notices/notice-urls.ts';
import type { ImpResult } from './types.ts';

export interface RespondContext {
  auctionId: string;
  base: string;
  currency: string;
  noticeTtlMs: number;
  now: number;
}

export async function buildBidResponse(
  req: BidRequest,
  results: ImpResult[],
  signer: NoticeSigner,
  ctx: RespondContext,
): Promise<Record<string, unknown> | null> {
  const won = results.filter((r) => r.winner && r.sspPriceCpmMicros !== undefined && r.sspPriceCpmMicros > 0);
  if (won.length === 0) return null;
  const seats = new Map<string, Record<string, unknown>[]>();
  await Promise.all(
    won.map(async (r) => {
      const w = r.winner!;
      const b = w.bid;
      const clearing = r.clearingCpmMicros ?? r.sspPriceCpmMicros!;
      const urls = await signNoticeUrls(signer, {
        base: ctx.base,
        auctionId: ctx.auctionId,
        impId: r.impId,
        bidId: b.id,
        bidderKind: w.bidderKind,
        bidderId: w.bidderId,
        priceCpmMicros: clearing,
        currency: w.cur,
        expiresAt: ctx.now + ctx.noticeTtlMs,
        ...(b.crid ? { crid: b.crid } : {}),
        ...(w.own ? { campaignId: w.own.campaign.id, leaseId: w.own.ticket.leaseId } : {}),
        ...(w.seat ? { seat: w.seat } : {}),
        ...(b.nurl ? { buyerNurl: b.nurl } : {}),
        ...(b.burl ? { buyerBurl: b.burl } : {}),
        ...(b.lurl ? { buyerLurl: b.lurl } : {}),
      });
      const macros = {
        auctionId: req.id,
        bidId: b.id,
        impId: r.impId,
        priceCpmMicros: clearing,
        currency: w.cur,
        ...(w.seat ? { seatId: w.seat } : {}),
        ...(b.adid ? { adId: b.adid } : {}),
      };
      let adm = b.adm === undefined ? undefined : expandMacros(b.adm, macros);
      if (urls.impUrl && adm !== undefined)
        adm += `<img src="${urls.impUrl}" width="1" height="1" style="display:none" alt="">`;
      const out: Record<string, unknown> = {
        id: `${r.impId}-${w.bidderId}`,
        impid: r.impId,
        price: microsToCpm(r.sspPriceCpmMicros!),
        nurl: urls.nurl,
        burl: urls.burl,
        lurl: urls.lurl,
        ...(adm !== undefined ? { adm } : {}),
      };
      for (const k of [
        'adid',
        'adomain',
        'bundle',
        'iurl',
        'cid',
        'crid',
        'cat',
        'cattax',
        'attr',
        'dealid',
        'w',
        'h',
        'mtype',
        'dur',
      ] as const)
        if (b[k] !== undefined) out[k] = b[k];
      const seat = w.seat ?? w.bidderId;
      seats.set(seat, [...(seats.get(seat) ?? []), out]);
    }),
  );
  return {
    id: req.id,
    bidid: ctx.auctionId,
    cur: ctx.currency,
    seatbid: [...seats].map(([seat, bid]) => ({ seat, bid })),
  };
}
