// Ranking of eligible bids on one imp: a total order that depends only on the bids, never on
// the order they arrived in (a DSP that answers first must not win ties):
//   1. higher price (converted, exchange currency);
//   2. a deal bid over an open-market bid;
//   3. lower FNV-1a hash of (auction id, bidder kind, bidder id, bid id): pseudo-random across
//      auctions so no bidder always wins ties, but the same for every permutation of the list;
//   4. the key string itself, so even a hash collision orders the same way every time.
export interface Ranked {
  priceCpmMicros: number;
  isDeal: boolean;
  key: string;
  hash: number;
}

/** 32-bit FNV-1a over UTF-16 code units: cheap, deterministic, no crypto needed for a tie-break. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export const tieKey = (auctionId: string, bidderKind: string, bidderId: string, bidId: string): string =>
  `${auctionId}\u0000${bidderKind}\u0000${bidderId}\u0000${bidId}`;

/** Negative when `a` ranks before `b`. */
export function compareRanked(a: Ranked, b: Ranked): number {
  if (a.priceCpmMicros !== b.priceCpmMicros) return b.priceCpmMicros - a.priceCpmMicros;
  if (a.isDeal !== b.isDeal) return a.isDeal ? -1 : 1;
  if (a.hash !== b.hash) return a.hash - b.hash;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
