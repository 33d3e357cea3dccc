// The request's block lists against a bid: bcat (categories), badv (advertiser domains), bapp
// (app bundles), battr (creative attributes, per media object of the imp), bseat/wseat (buyer
// seats), and whether the creative fits the imp (markup type, banner size). Each returns the first offending value so the loss reason can name it.
import type { Bid } from '../openrtb/bid.ts';
import type { BidRequest } from '../openrtb/bid-request.ts';
import { LossReason } from '../openrtb/codes.ts';
import type { Imp } from '../openrtb/imp.ts';

export interface Block {
  reason: LossReason;
  detail: string;
}

// Everything here runs per bid: loops and module functions, no callbacks (a closure made per call
// loses its optimized code at every full GC in workerd), and comparisons that build no strings
// (the garbage sets how often workerd stops the isolate for a young-generation GC).
const DASH = 45;
const DOT = 46;

/** IAB 1.0 categories nest by prefix: blocking "IAB25" blocks "IAB25-3" too. */
function catBlocked(cat: string, blocked: readonly string[]): boolean {
  for (const b of blocked)
    if (cat === b || (cat.length > b.length && cat.charCodeAt(b.length) === DASH && cat.startsWith(b)))
      return true;
  return false;
}

/** Domains match case-insensitively, and a blocked domain covers its subdomains. */
function domainBlocked(d: string, blocked: readonly string[]): boolean {
  for (const b of blocked) if (sameOrSubdomain(d, b)) return true;
  return false;
}

function sameOrSubdomain(d: string, of: string): boolean {
  const start = d.length - of.length;
  if (start < 0 || (start > 0 && d.charCodeAt(start - 1) !== DOT)) return false;
  for (let i = 0; i < of.length; i++)
    if (lower(d.charCodeAt(start + i)) !== lower(of.charCodeAt(i))) return false;
  return true;
}

/** ASCII lower case (domains compare as ASCII; IDNs arrive as punycode). */
const lower = (c: number) => (c >= 65 && c <= 90 ? c + 32 : c);

/** The first of `values` that `blocked` blocks by `rule`, if any. */
function firstBlocked<T, L>(
  values: readonly T[] | undefined,
  list: L,
  rule: (v: T, list: L) => boolean,
): T | undefined {
  if (values) for (const v of values) if (rule(v, list)) return v;
  return undefined;
}

/** Is the creative attribute blocked by any of the imp's media objects? (No merged list is built: this runs per bid.) */
const battrBlocks = (attr: number, imp: Imp) =>
  !!(
    imp.banner?.battr?.includes(attr) ||
    imp.video?.battr?.includes(attr) ||
    imp.audio?.battr?.includes(attr) ||
    imp.native?.battr?.includes(attr)
  );

const MEDIA_BY_MTYPE = { 1: 'banner', 2: 'video', 3: 'audio', 4: 'native' } as const;

/**
 * Does the creative fit the imp? A declared markup type must be one the imp offers (204), and a
 * banner bid declaring w and h must match one of the imp's fixed sizes when it lists any (203).
 */
export function creativeFit(imp: Imp, bid: Bid): Block | undefined {
  const media =
    bid.mtype === undefined ? undefined : MEDIA_BY_MTYPE[bid.mtype as keyof typeof MEDIA_BY_MTYPE];
  if (bid.mtype !== undefined && (media === undefined || imp[media] === undefined))
    return {
      reason: LossReason.CreativeIncorrectFormat,
      detail: `mtype ${bid.mtype} not offered by imp ${imp.id}`,
    };
  const banner = imp.banner;
  const isBanner =
    media === 'banner' ||
    (media === undefined && banner !== undefined && !imp.video && !imp.audio && !imp.native);
  if (!isBanner || !banner || bid.w === undefined || bid.h === undefined) return undefined;
  const formats = banner.format ?? [];
  for (const f of formats) if (f.wratio !== undefined || f.hratio !== undefined) return undefined;
  // The imp's fixed sizes are its formats plus banner w x h when both are set; none means any fits.
  const ownSize = banner.w !== undefined && banner.h !== undefined;
  if (formats.length === 0 && !ownSize) return undefined;
  if (ownSize && banner.w === bid.w && banner.h === bid.h) return undefined;
  for (const f of formats) if (f.w === bid.w && f.h === bid.h) return undefined;
  return {
    reason: LossReason.CreativeSizeNotAllowed,
    detail: `${bid.w}x${bid.h} not a size of imp ${imp.id}`,
  };
}

export function requestBlock(
  request: BidRequest,
  imp: Imp,
  bid: Bid,
  seat: string | undefined,
): Block | undefined {
  if (seat !== undefined) {
    if (request.bseat?.includes(seat))
      return { reason: LossReason.BuyerSeatBlocked, detail: `seat ${seat} in bseat` };
    if (request.wseat && request.wseat.length > 0 && !request.wseat.includes(seat))
      return { reason: LossReason.BuyerSeatBlocked, detail: `seat ${seat} not in wseat` };
  }
  const dom = request.badv ? firstBlocked(bid.adomain, request.badv, domainBlocked) : undefined;
  if (dom !== undefined) return { reason: LossReason.AdvertiserExclusions, detail: `adomain ${dom} in badv` };
  const cat = request.bcat ? firstBlocked(bid.cat, request.bcat, catBlocked) : undefined;
  if (cat !== undefined) return { reason: LossReason.CategoryExclusions, detail: `cat ${cat} in bcat` };
  if (bid.bundle !== undefined && request.bapp?.includes(bid.bundle))
    return { reason: LossReason.AppStoreIdExclusions, detail: `bundle ${bid.bundle} in bapp` };
  const attr = firstBlocked(bid.attr, imp, battrBlocks);
  if (attr !== undefined)
    return { reason: LossReason.CreativeAttributeExclusions, detail: `attr ${attr} in battr` };
  return creativeFit(imp, bid);
}
