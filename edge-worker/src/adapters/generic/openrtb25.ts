// OpenRTB 2.6 -> 2.5 for partners that still read the 2.5 ext locations. The parser lifted
// these out of ext once (STYLE rule 9); a 2.5 partner gets them put back, on a copy.
import type { BidRequest } from '@edge-rtb/shared/openrtb/bid-request';

type Json = Record<string, unknown>;

function moveToExt(obj: Json | undefined, keys: readonly string[]): Json | undefined {
  if (!obj || !keys.some((k) => obj[k] !== undefined)) return obj;
  const out: Json = { ...obj };
  const ext: Json = { ...((obj.ext as Json | undefined) ?? {}) };
  for (const k of keys) {
    if (out[k] === undefined) continue;
    ext[k] = out[k];
    delete out[k];
  }
  out.ext = ext;
  return out;
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
