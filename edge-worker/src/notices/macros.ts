// OpenRTB 2.6 section 4.4 substitution macros, expanded in a buyer's markup and notice URLs.
// Unknown macros stay as they are (they may belong to someone downstream).
import { microsToCpm } from '@edge-rtb/shared/money';

/**
 * Every key is required (undefined when it does not apply), so that each caller writes one
 * literal with all of them in this order and they share one hidden class (docs/architecture.md,
 * "Hidden classes that outlive a request").
 */
export interface MacroValues {
  auctionId: string;
  bidId: string;
  impId: string;
  seatId: string | undefined;
  adId: string | undefined;
  /** Clearing price, CPM micros; written as a CPM decimal. */
  priceCpmMicros: number | undefined;
  currency: string | undefined;
  /** Loss reason code (OpenRTB 5.25) for lurl. */
  lossCode: number | undefined;
  minToWinCpmMicros: number | undefined;
}

const MACRO_RE = /\$\{(AUCTION_[A-Z_]+)\}/g;

export function expandMacros(template: string, v: MacroValues): string {
  if (!template.includes('${')) return template;
  // A scan, not replace() with a callback: a closure made per call loses its optimized code at
  // every full GC in workerd (docs/benchmarks.md, "Session 5").
  let out = '';
  let from = 0;
  MACRO_RE.lastIndex = 0;
  for (let m = MACRO_RE.exec(template); m; m = MACRO_RE.exec(template)) {
    const value = lookup(m[1]!, v);
    out += template.slice(from, m.index) + (value === undefined ? m[0] : encodeURIComponent(value));
    from = m.index + m[0].length;
  }
  return out + template.slice(from);
}

function lookup(name: string, v: MacroValues): string | undefined {
  switch (name) {
    case 'AUCTION_ID':
      return v.auctionId;
    case 'AUCTION_BID_ID':
      return v.bidId;
    case 'AUCTION_IMP_ID':
      return v.impId;
    case 'AUCTION_SEAT_ID':
      return v.seatId;
    case 'AUCTION_AD_ID':
      return v.adId;
    case 'AUCTION_PRICE':
      return v.priceCpmMicros === undefined ? undefined : String(microsToCpm(v.priceCpmMicros));
    case 'AUCTION_CURRENCY':
      return v.currency;
    case 'AUCTION_LOSS':
      return v.lossCode === undefined ? undefined : String(v.lossCode);
    case 'AUCTION_MIN_TO_WIN':
      return v.minToWinCpmMicros === undefined ? undefined : String(microsToCpm(v.minToWinCpmMicros));
    default:
      return undefined;
  }
}
