// The budget ledger: the one place money moves. Two implementations keep the same books:
// ledger-redis.ts (cluster: atomic Lua per campaign) and ledger-embedded.ts (single node:
// journal file with fsync). ledger.conformance.ts holds both to the same rules.
//
// Double entry, per campaign. Every movement is a transfer between two accounts, so the
// sum of all balances is always 0 (credits = debits):
//   funding  (outside) --fund--> available --grant--> leased --settle--> spent
//                                    ^                   |
//                                    +-----release-------+   (unspent part of a lease)
//   writeoff (outside) --late win--> overrun               (spend beyond a lease, reported)
// Pools (available, leased, spent, overrun) never go negative; the outside accounts carry
// the negative side. Nothing ever moves into spent without first passing through leased,
// which is why overspend of the budget is impossible by construction: late wins go to
// overrun, never around the check.
import type { Micros } from '@edge-rtb/shared/money';
import type { SpendRate } from '@edge-rtb/shared/pacing/lease-size';

export const POOLS = ['available', 'leased', 'spent', 'overrun'] as const;
export const OUTSIDE = ['funding', 'writeoff'] as const;
export type Pool = (typeof POOLS)[number];
export type Account = Pool | (typeof OUTSIDE)[number];

export interface Balances extends Record<Account, Micros> {
  /** Cumulative unspent lease money returned to available (a statistic, not an account). */
  released: Micros;
  /** The budget the catalog last set; funding = -target unless a cut is still waiting for leases. */
  target: Micros;
}

export type LeaseState = 'active' | 'settled' | 'expired';

export interface LeaseRecord {
  leaseId: string;
  campaignId: string;
  holder: string;
  amountMicros: Micros;
  /** What the books count as spent from this lease: the settled amount, or all of it once expired. */
  spentMicros: Micros;
  releasedMicros: Micros;
  overrunMicros: Micros;
  state: LeaseState;
  grantedAt: number;
  expiresAt: number;
  /** Campaign-local day the lease counts against (daily caps). */
  day: string;
  /** The grant request's idempotency key, if it had one (kept with the record: same lifetime). */
  idempotencyKey?: string;
}

export interface GrantInput {
  campaignId: string;
  leaseId: string;
  holder: string;
  requestedMicros: Micros;
  now: number;
  expiresAt: number;
  /** Campaign-local day key (YYYY-MM-DD) of `now`; a new key is a new daily counter. */
  day: string;
  /** Max net grants for `day` (the daily budget, possibly paced lower); null = no cap. */
  dailyCapMicros: Micros | null;
  /** Pacing: max spent + leased allowed right now; null = no pacing cap. */
  committedCapMicros: Micros | null;
  /**
   * A grant a limit (not the request itself) cuts below this is refused instead: paced caps rise
   * continuously and settles hand back unspent remainders, so otherwise a holder asking often gets
   * a sliver each time (absent = 0).
   */
  minGrantMicros?: Micros;
  /**
   * The holder's key for this logical request (shared/src/lease-api.ts). A key already granted
   * for this campaign and holder answers that lease (repeated) and moves nothing; the same key
   * with another campaign or holder is a conflict and moves nothing. Kept as long as the lease
   * record (expiresAt + retention). A grant that granted nothing keeps no key.
   */
  idempotencyKey?: string;
}

/** Which limit decided the amount (the tightest one when several bind). */
export type GrantLimit = 'requested' | 'available' | 'daily' | 'paced';

export interface GrantResult {
  grantedMicros: Micros;
  limitedBy: GrantLimit;
  lease: LeaseRecord | null;
  /** The campaign's pools right after this grant, free with the answer: pacing and sizing use them. */
  after: Pick<Balances, 'available' | 'leased' | 'spent'>;
  /** The idempotency key had been granted before: `lease` is that first grant, as it is now; nothing moved. */
  repeated?: true;
  /** The idempotency key belongs to another campaign or holder: nothing granted, nothing moved. */
  keyConflict?: true;
}

export type SettleStatus = 'applied' | 'repeated' | 'expired' | 'unknown';
export interface SettleResult {
  status: SettleStatus;
  spentMicros: Micros;
  releasedMicros: Micros;
  overrunMicros: Micros;
}

/** A lease the sweep just counted as fully spent (what the budget part reports as an 'expired' lease event). */
export interface ExpiredLease {
  campaignId: string;
  leaseId: string;
  amountMicros: Micros;
  holder: string;
}

export type ReconcileStatus = 'applied' | 'unchanged' | 'not_expired' | 'unknown';
export interface ReconcileResult {
  status: ReconcileStatus;
  /** Released by this call (0 when nothing changed). */
  releasedMicros: Micros;
  overrunMicros: Micros;
}

export interface BudgetLedger {
  /** Set the campaign's total budget. A raise adds to available; a cut takes back only what is available now, the rest as leases come back. */
  fund(campaignId: string, totalMicros: Micros): Promise<Balances>;
  grant(input: GrantInput): Promise<GrantResult>;
  /** Idempotent: a repeat returns the first outcome with status 'repeated' and moves nothing. */
  settle(campaignId: string, leaseId: string, spentMicros: Micros, now: number): Promise<SettleResult>;
  /**
   * Leases still active at expiresAt + settleGraceMs count as fully spent. Returns exactly the
   * leases this call expired (another sweep, e.g. on another replica, never reports them again).
   */
  sweep(now: number): Promise<ExpiredLease[]>;
  /** Event-stream proof of an expired lease's spend: releases the unproven part; only ever downwards. */
  reconcile(campaignId: string, leaseId: string, provenSpentMicros: Micros): Promise<ReconcileResult>;
  balances(campaignId: string): Promise<Balances | null>;
  lease(campaignId: string, leaseId: string): Promise<LeaseRecord | null>;
  /**
   * The lease an idempotency key was granted, with the campaign and holder it is bound to; null
   * when the key is unknown (never granted, or aged out with its record). Read-only: for a repeat
   * the service refuses before asking grant() (campaign paused or out of flight since).
   */
  keyedLease(key: string): Promise<LeaseRecord | null>;
  /** Net grants counted against `day` (grants minus releases of leases granted that day). */
  dailyUsed(campaignId: string, day: string): Promise<Micros>;
  /**
   * The ledger's identity: a random id written once when the ledger is first initialised and
   * recorded in the catalog (ledger-guard.ts). null means these books were never initialised
   * here, or were wiped (an empty Redis, a missing journal).
   */
  marker(): Promise<string | null>;
  /** 'if_absent' keeps a marker already there; 'replace' (operator re-seed) overwrites it. Returns the marker now in place. */
  writeMarker(id: string, mode: 'if_absent' | 'replace'): Promise<string>;
  /** Ids of the campaigns that have accounts in these books. */
  campaignIds(): Promise<string[]>;
  /**
   * A holder's spend history for one campaign (shared/src/pacing/lease-size.ts), what its next
   * lease is sized from. Kept beside the books, not in each core replica: a replica that learned
   * only from the settles reaching it read a holder at 1/N of its rate behind N replicas, sized
   * its leases as small, and the holder came back N times as often (pacing-replicas.int.test.ts).
   * Not money: not journaled, forgotten `SPEND_RATE_KEEP_TAUS` time constants after the last
   * settle (null from `now` on; embedded, also past `MAX_SPEND_RATES` holders): the service then
   * sizes from the plan, as for a new holder.
   */
  spendRate(campaignId: string, holder: string, now: number): Promise<SpendRate | null>;
  /** Adds one settled lease's spend (`observeSpend`), atomically with other replicas' additions. */
  observeSpend(input: SpendObservation): Promise<void>;
  ready(): Promise<{ ok: boolean; detail?: string }>;
  close(): Promise<void>;
}

export interface SpendObservation {
  campaignId: string;
  holder: string;
  spentMicros: Micros;
  /** When the settled lease was granted: the start of the holder's spend, on its first report. */
  sinceMs: number;
  now: number;
  /** Time constant of the decayed sum. */
  tauMs: number;
}

/** A holder silent for this many time constants has decayed below e^-10 of its rate: dropped. */
export const SPEND_RATE_KEEP_TAUS = 10;
/** The embedded ledger keeps at most this many holders' histories (least recently used go). */
export const MAX_SPEND_RATES = 20_000;

export interface LedgerTiming {
  /** How long past expiresAt a holder may still settle before the sweep counts the lease as spent. */
  settleGraceMs: number;
  /**
   * How long after expiresAt a lease record is kept, for settle repeats and reconcile. Memory
   * grows with grant rate x retention (~250 bytes a record): 6 h at 1,000 grants/s is ~5 GB.
   */
  retentionMs: number;
}

export const DEFAULT_TIMING: LedgerTiming = { settleGraceMs: 30_000, retentionMs: 6 * 3_600_000 };

/** Campaign ids end up inside Redis keys and hash tags: keep them to a safe alphabet. */
export const CAMPAIGN_ID_RE = /^[A-Za-z0-9_.:-]{1,64}$/;

export function emptyBalances(): Balances {
  return { available: 0, leased: 0, spent: 0, overrun: 0, funding: 0, writeoff: 0, released: 0, target: 0 };
}

/** The grant amount and the limit that set it: the same arithmetic the Lua script does. */
export function grantAmount(
  input: Pick<GrantInput, 'requestedMicros' | 'dailyCapMicros' | 'committedCapMicros' | 'minGrantMicros'>,
  b: Pick<Balances, 'available' | 'leased' | 'spent'>,
  dayUsed: Micros,
): { amount: Micros; limitedBy: GrantLimit } {
  let amount = input.requestedMicros;
  let limitedBy: GrantLimit = 'requested';
  const clamp = (room: number, why: GrantLimit) => {
    if (room < amount) {
      amount = Math.max(0, room);
      limitedBy = why;
    }
  };
  clamp(b.available, 'available');
  if (input.dailyCapMicros !== null) clamp(input.dailyCapMicros - dayUsed, 'daily');
  if (input.committedCapMicros !== null) clamp(input.committedCapMicros - b.spent - b.leased, 'paced');
  // Below the request means a limit cut it: then a sliver under the floor is refused.
  if (amount < input.requestedMicros && amount < (input.minGrantMicros ?? 0)) amount = 0;
  return { amount, limitedBy };
}
