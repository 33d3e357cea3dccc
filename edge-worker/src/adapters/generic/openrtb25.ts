// OpenRTB 2.6 -> 2.5 for partners that still read the 2.5 ext locations. The parser lifted
// these out of ext once (STYLE rule 9); a 2.5 partner gets them put back, on a copy.
import type { BidRequest } from '@edge-rtb/shared/openrtb/bid-request';

type Json = Record<string, unknown>;

function moveToExt(obj: Json | undefined, keys: readonly string[]): Json | undefined {
  if (!obj || !hasAny(obj, keys)) return obj;
  // Copied key by key without the moved ones, not spread and `delete`d: deleting turns the
  // copy into a slow dictionary-mode object, and this runs per 2.5 partner per auction.
  const out: Json = {};
  for (const k in obj) if (k !== 'ext' && !keys.includes(k)) out[k] = obj[k];
  const ext: Json = { ...((obj.ext as Json | undefined) ?? {}) };
  for (const k of keys) if (obj[k] !== undefined) ext[k] = obj[k];
  out.ext = ext;
  return out;
}

function hasAny(obj: Json, keys: readonly string[]): boolean {
  for (const k of keys) if (obj[k] !== undefined) return true;
  return false;
}

export function toOpenRtb25(request: BidRequest): Json {
  const out: Json = { ...request };
  const regs = moveToExt(request.regs as Json | undefined, ['gdpr', 'us_privacy', 'gpp', 'gpp_sid']);
  if (regs) out.regs = regs;
  const user = moveToExt(request.user as Json | undefined, ['consent', 'eids']);
  if (user) out.user = user;
  const source = moveToExt(request.source as Json | undefined, ['schain']);
  if (source) out.source = source;
  return out;
}
