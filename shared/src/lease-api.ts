// The budget-lease wire contract between edge and core (see DESIGN "Budget-reservation tokens").
// POST /v1/leases            LeaseRequest  -> LeaseResponse      (Authorization: Bearer EDGE_TOKEN)
// POST /v1/leases/:id/settle SettleRequest -> SettleResponse     (idempotent)
// The token is the core's HMAC-signed statement of the grant (format in lease-token.ts).
import type { Micros } from './money.ts';

export interface LeaseRequest {
  campaignId: string;
  /** Which PoP/isolate holds it, for audit and stranded-lease reporting. */
  holder: string;
  /** What the holder would like; the core may grant less (partial grants) or nothing. */
  requestedMicros?: Micros;
}

export interface Lease {
  id: string;
  campaignId: string;
  amountMicros: Micros;
  /** Epoch ms; after it the holder must not spend from the lease. */
  expiresAt: number;
  kid: string;
}

/**
 * `ledger_unverified`: the core cannot vouch for its budget ledger (Redis came back empty, the
 * journal is missing, or the ledger is not yet checked) and grants nothing until it can.
 */
export type LeaseDenial =
  | 'budget_exhausted'
  | 'paced'
  | 'inactive'
  | 'unknown_campaign'
  | 'out_of_flight'
  | 'ledger_unverified';

export type LeaseResponse =
  | { lease: Lease; token: string }
  | { lease: null; reason: LeaseDenial; retryAfterMs: number };

export interface SettleRequest {
  token: string;
  spentMicros: Micros;
}

export interface SettleResponse {
  leaseId: string;
  spentMicros: Micros;
  releasedMicros: Micros;
  /** false when this settle repeated an earlier one (nothing changed). */
  applied: boolean;
}
