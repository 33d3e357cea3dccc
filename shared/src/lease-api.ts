// The budget-lease wire contract between edge and core (see DESIGN "Budget-reservation tokens").
// POST /v1/leases            LeaseRequest  -> LeaseResponse      (Authorization: Bearer EDGE_TOKEN)
//                            idempotent per idempotencyKey; 409 LeaseKeyConflict on a reused key
// POST /v1/leases/:id/settle SettleRequest -> SettleResponse     (idempotent)
// The token is the core's HMAC-signed statement of the grant (format in lease-token.ts).
import type { Micros } from './money.ts';

export interface LeaseRequest {
  campaignId: string;
  /** Which PoP/isolate holds it, for audit and stranded-lease reporting. */
  holder: string;
  /** What the holder would like; the core may grant less (partial grants) or nothing. */
  requestedMicros?: Micros;
  /**
   * Makes the grant idempotent. The holder makes one up per logical request and sends it again,
   * unchanged, on every retry of that request. A repeat for the same campaign and holder answers
   * the lease the first one was granted (same id, amount, expiresAt, token) and moves no money,
   * so an answer lost to a timeout does not strand a second lease. The core keeps a key as long
   * as the lease record (6 h past expiresAt); a refusal is not kept, so its repeat is decided
   * anew. The same key with another campaign or holder: 409 `idempotency_key_reused`.
   * Format: IDEMPOTENCY_KEY_RE (a UUID fits); anything else is 400 `invalid_body`.
   */
  idempotencyKey?: string;
}

/** 16-64 characters of base64url/UUID alphabet: enough to be unique, safe inside Redis key names. */
export const IDEMPOTENCY_KEY_RE = /^[A-Za-z0-9_-]{16,64}$/;

export function isIdempotencyKey(key: unknown): key is string {
  return typeof key === 'string' && IDEMPOTENCY_KEY_RE.test(key);
}

/** The 409 body of POST /v1/leases when a key comes back with another campaign or holder. Nothing is granted. */
export interface LeaseKeyConflict {
  error: 'idempotency_key_reused';
  message: string;
  field: 'idempotencyKey';
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
