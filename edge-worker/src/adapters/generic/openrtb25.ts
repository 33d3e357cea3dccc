// OpenRTB 2.6 -> 2.5 for partners that still read the 2.5 ext locations. The parser lifted
// these out of ext once (STYLE rule 9); a 2.5 partner gets them put back, on a copy.
import type { BidRequest } from '@edge-rtb/shared/openrtb/bid-request';
import { copyWithout } from '@edge-rtb/shared/openrtb/copy-without';

type Json = Record<string, unknown>;

/** Keys that move into ext, and what a copy leaves out (them, and the ext it rebuilds). */
interface Move {
  keys: readonly string[];
  drop: ReadonlySet<string>;
}
const move = (...keys: string[]): Move => ({ keys, drop: new Set([...keys, 'ext']) });
const REGS = move('gdpr', 'us_privacy', 'gpp', 'gpp_sid');
const USER = move('consent', 'eids');
const SOURCE = move('schain');

function moveToExt(obj: Json | undefined, { keys, drop }: Move): Json | undefined {
  if (!obj || !hasAny(obj, keys)) return obj;
  // Runs per 2.5 partner per auction: copyWithout, not a spread copy and `delete`.
  const out = copyWithout(obj, drop);
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
  const regs = moveToExt(request.regs as Json | undefined, REGS);
  if (regs) out.regs = regs;
  const user = moveToExt(request.user as Json | undefined, USER);
  if (user) out.user = user;
  const source = moveToExt(request.source as Json | undefined, SOURCE);
  if (source) out.source = source;
  return out;
}
