// Which NoticeLedger object dedups a new token's notices (ledger.ts): kept apart from the Durable
// Object class so the signing code and its unit tests do not load the workers runtime.
import { fnv1a } from '@edge-rtb/shared/auction/tie-break';

/** Objects the sharded ledger spreads auctions over; each takes one small SQL write per notice. */
export const NOTICE_LEDGER_SHARDS = 64;
/** The ledger object a new token names: FNV-1a of the auction id over the shards. */
export function noticeLedgerName(auctionId: string, shards = NOTICE_LEDGER_SHARDS): string {
  return `notice-ledger:${fnv1a(auctionId) % shards}`;
}
