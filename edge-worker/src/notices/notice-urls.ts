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
  const { base, buyerNurl, buyerBurl, buyerLurl, withPixel, ...claims } = w;
  const forward = {
    ...(buyerNurl ? { win: buyerNurl } : {}),
    ...(buyerBurl ? { bill: buyerBurl } : {}),
    ...(buyerLurl ? { loss: buyerLurl } : {}),
  };
  const t = await signer.sign({
    ...claims,
    ...(Object.keys(forward).length ? { forward } : {}),
    ledger: noticeLedgerName(claims.auctionId),
  });
  const at = (kind: string) => `${base}/notice/${kind}?t=${t}`;
  return {
    nurl: `${at('win')}&p=${PRICE_MACRO}`,
    burl: `${at('bill')}&p=${PRICE_MACRO}`,
    lurl: `${at('loss')}&loss=${LOSS_MACRO}`,
    ...(withPixel ? { impUrl: at('imp') } : {}),
    ...(claims.dest ? { clickUrl: at('click') } : {}),
  };
}
