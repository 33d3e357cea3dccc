// Signs the exchange's own notice URLs for one winning bid: one token (one HMAC) for all of
// them, the path naming the notice. The SSP sees only these; the buyer's own nurl/burl/lurl
// ride inside the token and are called after ours verify. `p=${AUCTION_PRICE}` lets an SSP
// that re-auctions tell us its clearing price; `loss=${AUCTION_LOSS}` why it did not show us.
import { noticeLedgerName } from './ledger-name.ts';
import type { NoticeClaims, NoticeSigner } from './notice-token.ts';

// Literal OpenRTB macros the SSP fills in when it calls our URLs.
const PRICE_MACRO = '$' + '{AUCTION_PRICE}';
const LOSS_MACRO = '$' + '{AUCTION_LOSS}';

export interface WinContext extends Omit<NoticeClaims, 'forward' | 'clicked' | 'ledger'> {
  base: string;
  buyerNurl?: string;
  buyerBurl?: string;
  buyerLurl?: string;
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
  // Literals with every key (absent ones undefined), not rest/spread copies: see toWire.
  const t = await signer.sign({
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
    crid: w.crid,
    campaignId: w.campaignId,
    leaseId: w.leaseId,
    seat: w.seat,
    forward:
      w.buyerNurl || w.buyerBurl || w.buyerLurl
        ? { win: w.buyerNurl || undefined, bill: w.buyerBurl || undefined, loss: w.buyerLurl || undefined }
        : undefined,
    dest: w.dest,
    clicked: undefined,
    ledger: noticeLedgerName(w.auctionId),
  });
  return {
    nurl: `${urlOf(w.base, 'win', t)}&p=${PRICE_MACRO}`,
    burl: `${urlOf(w.base, 'bill', t)}&p=${PRICE_MACRO}`,
    lurl: `${urlOf(w.base, 'loss', t)}&loss=${LOSS_MACRO}`,
    impUrl: w.withPixel ? urlOf(w.base, 'imp', t) : undefined,
    clickUrl: w.dest ? urlOf(w.base, 'click', t) : undefined,
  };
}

const urlOf = (base: string, kind: string, token: string) => `${base}/notice/${kind}?t=${token}`;
