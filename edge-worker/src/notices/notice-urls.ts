// Signs the exchange's own notice URLs for one winning bid. The SSP sees only these; the
// buyer's own nurl/burl/lurl ride inside the signed tokens and are called after ours verify.
// `p=${AUCTION_PRICE}` lets an SSP that re-auctions tell us its clearing price.
import type { NoticeClaims, NoticeKind, NoticeSigner } from './notice-token.ts';

// Literal OpenRTB macros the SSP fills in when it calls our URLs.
const PRICE_MACRO = '$' + '{AUCTION_PRICE}';
const LOSS_MACRO = '$' + '{AUCTION_LOSS}';

export interface WinContext {
  base: string;
  auctionId: string;
  impId: string;
  bidId: string;
  bidderKind: 'dsp' | 'campaign';
  bidderId: string;
  priceCpmMicros: number;
  currency: string;
  buyerPriceCpmMicros: number;
  buyerCurrency: string;
  expiresAt: number;
  crid?: string;
  campaignId?: string;
  leaseId?: string;
  seat?: string;
  buyerNurl?: string;
  buyerBurl?: string;
  buyerLurl?: string;
  /** Where a click should land (the markup's own link); a click tracker is made when set. */
  clickDest?: string;
  /** Make an impression pixel URL (for HTML markup). */
  withPixel?: boolean;
}

export interface NoticeUrls {
  nurl: string;
  burl: string;
  lurl: string;
  /** Impression pixel and click redirect, for HTML markup. */
  impUrl?: string;
  clickUrl?: string;
}

export async function signNoticeUrls(signer: NoticeSigner, w: WinContext): Promise<NoticeUrls> {
  const claims = (kind: NoticeKind, forward?: string, dest?: string): NoticeClaims => ({
    kind,
    auctionId: w.auctionId,
    impId: w.impId,
    bidId: w.bidId,
    bidderKind: w.bidderKind,
    bidderId: w.bidderId,
    priceCpmMicros: w.priceCpmMicros,
    currency: w.currency,
    buyerPriceCpmMicros: w.buyerPriceCpmMicros,
    buyerCurrency: w.buyerCurrency,
    expiresAt: w.expiresAt,
    ...(w.crid ? { crid: w.crid } : {}),
    ...(w.campaignId ? { campaignId: w.campaignId } : {}),
    ...(w.leaseId ? { leaseId: w.leaseId } : {}),
    ...(w.seat ? { seat: w.seat } : {}),
    ...(forward ? { forward } : {}),
    ...(dest ? { dest } : {}),
  });
  const url = async (kind: NoticeKind, forward?: string, extra = '', dest?: string) =>
    `${w.base}/notice/${kind}?t=${await signer.sign(claims(kind, forward, dest))}${extra}`;
  const [nurl, burl, lurl, impUrl, clickUrl] = await Promise.all([
    url('win', w.buyerNurl, `&p=${PRICE_MACRO}`),
    url('bill', w.buyerBurl, `&p=${PRICE_MACRO}`),
    url('loss', w.buyerLurl, `&loss=${LOSS_MACRO}`),
    w.withPixel ? url('imp') : undefined,
    w.clickDest ? url('click', undefined, '', w.clickDest) : undefined,
  ]);
  return { nurl, burl, lurl, ...(impUrl ? { impUrl } : {}), ...(clickUrl ? { clickUrl } : {}) };
}
