// The lease service: sequences pacing (pure), the ledger (money) and the token codec for
// each request. HTTP lives in lease-routes.ts; this file knows nothing of it.
import type { LeaseDenial, LeaseRequest, LeaseResponse, SettleResponse } from '@edge-rtb/shared/lease-api';
import type { LeaseTokenCodec, TokenError } from '@edge-rtb/shared/lease-token';
import type { Logger } from '@edge-rtb/shared/log';
import type { Micros } from '@edge-rtb/shared/money';
import { initialPi, type PiGains, type PiState } from '@edge-rtb/shared/pacing/controller';
import {
  DEFAULT_SIZING,
  type LeaseSizing,
  leaseSize,
  ratePerSecond,
} from '@edge-rtb/shared/pacing/lease-size';
import { localDay } from '@edge-rtb/shared/pacing/zoned-day';
import { err, ok, type Result } from '@edge-rtb/shared/result';
import type { BudgetMetrics } from './budget-metrics.ts';
import type { CampaignBudget } from './campaign-budget.ts';
import { createLeaseEventQueue, leaseEvent, type PublishLeaseEvents } from './lease-events.ts';
import type { Balances, BudgetLedger, ExpiredLease, LeaseRecord } from './ledger.ts';
import type { LedgerGuard } from './ledger-guard.ts';
import { pace } from './pacing.ts';

export interface LeaseServiceOptions {
  ledger: BudgetLedger;
  codec: LeaseTokenCodec;
  /** How long a lease may be spent from. */
  leaseTtlMs?: number;
  sizing?: LeaseSizing;
  gains?: PiGains;
  /** Time constant of the per-holder spend-rate estimate. */
  rateTauMs?: number;
  metrics?: BudgetMetrics;
  now?: () => number;
  newId?: () => string;
  /**
   * Receives a lease event for every grant, every applied settle and every lease the sweep
   * expires, after the money moved. Called off the answer's path from a queue that batches,
   * and retries a rejected call with backoff (lease-events.ts); durable when it resolves.
   */
  onLeaseEvents?: PublishLeaseEvents;
  /** For the lease-event queue's retry and loss reports. */
  log?: Logger;
  /** Refuses funding and grants while the ledger is not the one the catalog recorded (ledger-guard.ts). */
  guard?: Pick<LedgerGuard, 'state' | 'assertFundable'>;
}

/** The request's idempotency key was first used for another campaign or holder (the route answers 409). */
export class LeaseKeyConflictError extends Error {
  readonly key: string;
  constructor(key: string) {
    super('idempotency key already used for another campaign or holder');
    this.key = key;
    this.name = 'LeaseKeyConflictError';
  }
}

export type SettleError =
  | { reason: 'invalid_token'; detail: TokenError }
  | { reason: 'lease_mismatch' }
  | { reason: 'unknown_lease' };

export interface BudgetStatus {
  campaignId: string;
  budgetMicros: Micros;
  remainingMicros: Micros;
  leasedMicros: Micros;
  spentMicros: Micros;
  overrunMicros: Micros;
  releasedMicros: Micros;
  today: { day: string; usedMicros: Micros; capMicros: Micros | null };
}

interface CampaignState {
  budget: CampaignBudget;
  pi: PiState;
  /** Last pools seen (from the latest grant); refreshed from the ledger when missing or old. */
  pools: Pick<Balances, 'available' | 'leased' | 'spent'> | null;
  /** When `pools` was read. Other replicas move the same accounts, so a replica that rarely serves this campaign must not pace on old figures. */
  poolsAt: number;
  /** Serializes budget changes so the ledger sees them in the catalog's order. */
  funding: Promise<unknown>;
}

/**
 * The controller's error and the end-of-budget shrink read spent/available from the last grant.
 * With several replicas those figures age while others grant, so past this age they are re-read
 * (one extra ledger read per campaign per replica at most this often).
 */
const POOLS_MAX_AGE_MS = 5_000;

/**
 * No grant smaller than this share of the lease it would size (and at least the minimum lease):
 * the ledger refuses less (`minGrantMicros`) and the holder is told when that much will be there.
 * Paced caps rise continuously and settles hand back unspent remainders, so granting whatever room
 * there was gave slivers: a holder spending faster than its campaign's plan came back after every
 * win (the overhead bench at 200-300 auctions/s, a front-loaded campaign on its paced daily cap:
 * ~90-115 grants of ~1,900 micros a second and as many settles). A tenth of a 60 s lease is 6 s of
 * spend at the holder's rate.
 */
const MIN_GRANT_SHARE = 0.1;

export function createLeaseService(opts: LeaseServiceOptions) {
  const {
    ledger,
    codec,
    leaseTtlMs = 60_000,
    sizing = DEFAULT_SIZING,
    gains,
    rateTauMs = 300_000,
    metrics,
    now = Date.now,
    newId = () => crypto.randomUUID(),
  } = opts;
  const events = opts.onLeaseEvents
    ? createLeaseEventQueue({
        publish: opts.onLeaseEvents,
        ...(opts.log ? { log: opts.log } : {}),
        ...(metrics ? { metrics: metrics.leaseEvents } : {}),
      })
    : null;
  const campaigns = new Map<string, CampaignState>();

  const deny = (reason: LeaseDenial, retryAfterMs: number): LeaseResponse => {
    metrics?.denials.inc({ reason });
    return { lease: null, reason, retryAfterMs: Math.max(1_000, Math.round(retryAfterMs)) };
  };

  async function upsertBudget(budget: CampaignBudget): Promise<void> {
    let s = campaigns.get(budget.campaignId);
    if (!s) {
      s = { budget, pi: initialPi(), pools: null, poolsAt: 0, funding: Promise.resolve() };
      campaigns.set(budget.campaignId, s);
    }
    s.budget = budget;
    const state = s;
    const next = state.funding.then(async () => {
      await opts.guard?.assertFundable();
      return ledger.fund(budget.campaignId, budget.totalBudgetMicros);
    });
    state.funding = next.catch(() => undefined);
    const b = await next;
    state.pools = { available: b.available, leased: b.leased, spent: b.spent };
    state.poolsAt = now();
  }

  async function requestLease(req: LeaseRequest): Promise<LeaseResponse> {
    const done = metrics?.grantSeconds.startTimer();
    try {
      return await decideLease(req);
    } finally {
      done?.();
    }
  }

  async function decideLease(req: LeaseRequest): Promise<LeaseResponse> {
    const t = now();
    const s = campaigns.get(req.campaignId);
    if (!s) return refuse(req, 'unknown_campaign', 60_000);
    const b = s.budget;
    if (b.status !== 'active') return refuse(req, 'inactive', 60_000);
    if (t < b.startAt) return refuse(req, 'out_of_flight', b.startAt - t);
    if (t >= b.endAt) return refuse(req, 'out_of_flight', 3_600_000);
    // A wiped ledger would grant from re-funded budgets: nothing until an operator acts.
    if (opts.guard && opts.guard.state() !== 'ok') return deny('ledger_unverified', 30_000);
    if (!s.pools || t - s.poolsAt > POOLS_MAX_AGE_MS) {
      const bal = await ledger.balances(req.campaignId);
      s.pools = bal ?? { available: 0, leased: 0, spent: 0 };
      s.poolsAt = t;
    }
    const p = pace(b, t, s.pools.spent, s.pi, leaseTtlMs, gains);
    s.pi = p.pi;
    // The holder's history from the ledger, which every replica's settles feed (ledger.ts).
    const own = await ledger.spendRate(req.campaignId, req.holder, t);
    const rate = own ? ratePerSecond(own, t, rateTauMs) : p.plannedRatePerSec;
    const size = leaseSize(rate, s.pools.available, sizing);
    const requested = Math.min(req.requestedMicros ?? size, size > 0 ? size : sizing.minMicros);
    const minGrantMicros = Math.min(requested, Math.max(sizing.minMicros, Math.ceil(size * MIN_GRANT_SHARE)));
    const expiresAt = t + leaseTtlMs;
    const r = await ledger.grant({
      campaignId: req.campaignId,
      leaseId: newId(),
      holder: req.holder,
      requestedMicros: requested,
      now: t,
      expiresAt,
      day: p.day.key,
      dailyCapMicros: p.dailyCapMicros,
      committedCapMicros: p.committedCapMicros,
      minGrantMicros,
      ...(req.idempotencyKey === undefined ? {} : { idempotencyKey: req.idempotencyKey }),
    });
    if (r.keyConflict) {
      metrics?.keyedRepeats.inc({ outcome: 'conflict' });
      throw new LeaseKeyConflictError(req.idempotencyKey!);
    }
    s.pools = r.after;
    s.poolsAt = t;
    if (!r.lease) {
      // A paced cap (the flight's, or a paced plan's daily one) rises at the plan's rate: re-ask
      // once minGrantMicros will fit (at most in 5 min). A plain daily budget is spent for the day.
      if (r.limitedBy === 'paced' || (r.limitedBy === 'daily' && b.pacing !== 'asap')) {
        const room =
          r.limitedBy === 'paced'
            ? Math.max(0, (p.committedCapMicros ?? 0) - r.after.spent - r.after.leased)
            : 0;
        const waitMs = ((minGrantMicros - room) / Math.max(p.plannedRatePerSec, 1)) * 1000;
        return deny('paced', Math.min(300_000, Math.max(100, Math.ceil(waitMs))));
      }
      if (r.limitedBy === 'daily') return deny('budget_exhausted', p.day.endMs - t);
      // Leases still out may come back unspent: ask again after about one lease lifetime.
      return deny('budget_exhausted', r.after.leased > 0 ? leaseTtlMs : 300_000);
    }
    return answer(req, r.lease, r.repeated === true, t);
  }

  /**
   * A campaign paused or ended since a repeat's first request was granted: the repeat still gets
   * that lease (it was granted; the holder may settle it at once), so the answer does not depend
   * on whether the first one arrived. Costs a ledger read only on a keyed request refused here.
   */
  async function refuse(
    req: LeaseRequest,
    reason: LeaseDenial,
    retryAfterMs: number,
  ): Promise<LeaseResponse> {
    const first = req.idempotencyKey === undefined ? null : await ledger.keyedLease(req.idempotencyKey);
    if (!first) return deny(reason, retryAfterMs);
    if (first.campaignId !== req.campaignId || first.holder !== req.holder) {
      metrics?.keyedRepeats.inc({ outcome: 'conflict' });
      throw new LeaseKeyConflictError(req.idempotencyKey!);
    }
    return answer(req, first, true, now());
  }

  async function answer(
    req: LeaseRequest,
    l: LeaseRecord,
    repeated: boolean,
    t: number,
  ): Promise<LeaseResponse> {
    if (repeated) {
      // The first answer was lost on its way: the same lease again, no money moved, no new event.
      metrics?.keyedRepeats.inc({ outcome: 'repeated' });
    } else {
      events?.push([
        leaseEvent('granted', {
          campaignId: req.campaignId,
          leaseId: l.leaseId,
          holder: req.holder,
          amountMicros: l.amountMicros,
          ts: t,
        }),
      ]);
      metrics?.grants.inc({ campaign: req.campaignId });
      metrics?.grantedMicros.inc({ campaign: req.campaignId }, l.amountMicros);
    }
    // Signed from the ledger's record, so a repeat carries the first answer's token (HMAC is
    // deterministic; only a key rotation in between changes it, and both verify).
    const token = await codec.sign({
      leaseId: l.leaseId,
      campaignId: req.campaignId,
      amountMicros: l.amountMicros,
      expiresAt: l.expiresAt,
      holder: req.holder,
    });
    return {
      lease: {
        id: l.leaseId,
        campaignId: req.campaignId,
        amountMicros: l.amountMicros,
        expiresAt: l.expiresAt,
        kid: tokenKid(token),
      },
      token,
    };
  }

  async function settle(
    pathLeaseId: string,
    token: string,
    spentMicros: Micros,
  ): Promise<Result<SettleResponse, SettleError>> {
    const v = await codec.verify(token, { now: now(), allowExpired: true });
    if (!v.ok) return err({ reason: 'invalid_token', detail: v.error });
    const c = v.value;
    if (c.leaseId !== pathLeaseId) return err({ reason: 'lease_mismatch' });
    const r = await ledger.settle(c.campaignId, c.leaseId, spentMicros, now());
    metrics?.settles.inc({ outcome: r.status });
    if (r.status === 'unknown') return err({ reason: 'unknown_lease' });
    if (r.status === 'applied') {
      // The holder began spending this lease when it was granted (one TTL before it expires).
      await learnRate(c.campaignId, c.holder, r.spentMicros, c.expiresAt - leaseTtlMs);
      // spentMicros is what the holder reported (spend beyond the lease included), the figure
      // the reconciler holds against the win events; the lease amount is spent + released.
      events?.push([
        leaseEvent('settled', {
          campaignId: c.campaignId,
          leaseId: c.leaseId,
          holder: c.holder,
          amountMicros: r.spentMicros + r.releasedMicros,
          spentMicros: r.spentMicros + r.overrunMicros,
          ts: now(),
        }),
      ]);
    }
    const s = campaigns.get(c.campaignId);
    if (s?.pools) s.pools = null; // settle moved money: re-read before the next pacing decision
    return ok({
      leaseId: c.leaseId,
      spentMicros: r.spentMicros,
      releasedMicros: r.releasedMicros,
      applied: r.status === 'applied',
    });
  }

  /** Sizing only: a failure here leaves the settle (money, already moved) answered as applied. */
  async function learnRate(
    campaignId: string,
    holder: string,
    spent: Micros,
    sinceMs: number,
  ): Promise<void> {
    try {
      await ledger.observeSpend({
        campaignId,
        holder,
        spentMicros: spent,
        sinceMs,
        now: now(),
        tauMs: rateTauMs,
      });
    } catch (e) {
      opts.log?.warn('spend rate not recorded; the next lease is sized from older figures', {
        campaignId,
        err: String(e),
      });
    }
  }

  async function status(campaignId: string): Promise<BudgetStatus | null> {
    const bal = await ledger.balances(campaignId);
    if (!bal) return null;
    const b = campaigns.get(campaignId)?.budget;
    const day = b ? localDay(now(), b.timeZone).key : new Date(now()).toISOString().slice(0, 10);
    return {
      campaignId,
      budgetMicros: bal.target,
      remainingMicros: bal.available,
      leasedMicros: bal.leased,
      spentMicros: bal.spent,
      overrunMicros: bal.overrun,
      releasedMicros: bal.released,
      today: {
        day,
        usedMicros: await ledger.dailyUsed(campaignId, day),
        capMicros: b?.dailyBudgetMicros ?? null,
      },
    };
  }

  async function sweep(): Promise<ExpiredLease[]> {
    const t = now();
    const expired = await ledger.sweep(t);
    metrics?.expired.inc(expired.length);
    // Counted as fully spent until the event stream proves otherwise (reconcile).
    events?.push(expired.map((l) => leaseEvent('expired', { ...l, spentMicros: l.amountMicros, ts: t })));
    return expired;
  }

  return {
    upsertBudget,
    requestLease,
    settle,
    status,
    sweep,
    reconcile: ledger.reconcile.bind(ledger),
    /** Lease events not yet published. */
    pendingLeaseEvents: () => events?.pending() ?? 0,
    /** Waits (up to timeoutMs) until the lease events so far are published; returns how many are left. */
    flushLeaseEvents: (timeoutMs?: number) => events?.flush(timeoutMs) ?? Promise.resolve(0),
    /** On shutdown: flush, then stop retrying (what is left is logged as an error). */
    closeLeaseEvents: (timeoutMs?: number) => events?.close(timeoutMs) ?? Promise.resolve(0),
  };
}

export type LeaseService = ReturnType<typeof createLeaseService>;

function tokenKid(token: string): string {
  return token.split('.')[1]!;
}
