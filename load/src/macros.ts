// OpenRTB substitution macros (OpenRTB 2.6 section 4.4) as an SSP or a browser fills them in
// before calling a notice or tracker URL. Unknown macros are left alone, as real SSPs do.
export interface MacroValues {
  auctionId?: string;
  bidId?: string;
  impId?: string;
  seatId?: string;
  adId?: string;
  price?: number;
  currency?: string;
  lossReason?: number;
  minToWin?: number;
}

export function fillMacros(url: string, v: MacroValues): string {
  const table: Record<string, string | undefined> = {
    AUCTION_ID: v.auctionId,
    AUCTION_BID_ID: v.bidId,
    AUCTION_IMP_ID: v.impId,
    AUCTION_SEAT_ID: v.seatId,
    AUCTION_AD_ID: v.adId,
    AUCTION_PRICE: v.price === undefined ? undefined : String(v.price),
    AUCTION_CURRENCY: v.currency,
    AUCTION_LOSS: v.lossReason === undefined ? undefined : String(v.lossReason),
    AUCTION_MIN_TO_WIN: v.minToWin === undefined ? undefined : String(v.minToWin),
  };
  return url.replace(
    /\$\{(AUCTION_[A-Z_]+)\}|%24%7B(AUCTION_[A-Z_]+)%7D/g,
    (whole, a?: string, b?: string) => {
      const value = table[(a ?? b) as string];
      return value === undefined ? whole : encodeURIComponent(value);
    },
  );
}
