// Fail closed on a lost budget ledger. The ledger (Redis, or the embedded journal) is the
// authority on money; the catalog only knows budgets. If Redis comes back empty (no AOF, a
// flush, a new node) or the journal is gone, funding campaigns from the catalog again would
// hand out budget that was already spent. So the ledger carries a marker written when it was
// first initialised, and the catalog (PostgreSQL / PGlite) records it. Whenever the two
// disagree the core grants nothing until an operator restores the ledger or re-seeds it with
// the spend known from elsewhere (reseed(); runbook in docs/budget-leases.md).
import type { Logger } from '@edge-rtb/shared/log';
import type { Micros } from '@edge-rtb/shared/money';
import type { Gauge } from 'prom-client';
import type { CampaignBudget, LedgerRegistry } from './campaign-budget.ts';
import { type BudgetLedger, CAMPAIGN_ID_RE } from './ledger.ts';

/**
 * ok: the ledger carries the marker the catalog recorded.
 * unchecked: not compared yet (backend unreachable); refuses like the others.
 * lost: the catalog knows a ledger, the ledger has no marker (wiped, empty, journal gone).
 * replaced: the ledger carries another ledger's marker (pointed at the wrong Redis / directory).
 * reseed_incomplete: an operator re-seed stopped half way; run it again.
 */
export type LedgerState = 'ok' | 'unchecked' | 'lost' | 'replaced' | 'reseed_incomplete';
export const LEDGER_STATES: LedgerState[] = ['ok', 'unchecked', 'lost', 'replaced', 'reseed_incomplete'];

export class LedgerNotVerifiedError extends Error {
  readonly state: LedgerState;
  constructor(state: LedgerState) {
    super(`budget ledger not verified (${state}): no funding or grants until it is restored or re-seeded`);
    this.name = 'LedgerNotVerifiedError';
    this.state = state;
  }
}

export interface ReseedInput {
  /** The ledger id the catalog holds (GET /v1/admin/budget-ledger): proves the operator means this ledger. */
  expectLedgerId: string;
  /** Spend known per campaign (settled and expired leases, from the lease events), booked as spent. */
  spentMicros: Record<string, Micros>;
  /** Campaigns not listed in spentMicros are booked as unspent; without it they are an error. */
  unlistedAreUnspent: boolean;
  reason: string;
}

export type ReseedError =
  | { error: 'not_needed'; message: string }
  | { error: 'ledger_mismatch'; message: string }
  | { error: 'ledger_not_empty'; message: string }
  | { error: 'invalid_spend'; message: string; campaigns: string[] };

export interface ReseedResult {
  ledgerId: string;
  campaigns: number;
  bookedSpentMicros: Micros;
  bookedOverrunMicros: Micros;
}

export interface LedgerGuardOptions {
  ledger: BudgetLedger;
  /** null: no catalog record to compare with (tests with an in-memory source); always ok. */
  registry: LedgerRegistry | null;
  /** Namespace of this ledger in the registry: 'redis:<prefix>' or 'embedded'. */
  name: string;
  log: Logger;
  stateGauge?: Gauge<'state'>;
  newId?: () => string;
  now?: () => number;
  /** Called after the state turns ok (start, restored Redis, finished re-seed): re-fund from the catalog. */
  onVerified?: () => Promise<void> | void;
}

export function createLedgerGuard(opts: LedgerGuardOptions) {
  const { ledger, registry, name, log, newId = () => crypto.randomUUID(), now = Date.now } = opts;
  let state: LedgerState = registry ? 'unchecked' : 'ok';
  let ledgerId: string | null = null;
  let running: Promise<LedgerState> | null = null;
  let reseeding = false;

  const publish = () => {
    for (const s of LEDGER_STATES) opts.stateGauge?.set({ state: s }, s === state ? 1 : 0);
  };
  publish();

  const setState = async (next: LedgerState, info: Record<string, unknown>) => {
    const prev = state;
    state = next;
    publish();
    if (next === prev) return;
    if (next === 'ok') {
      log.info('budget ledger verified', { ledger: name, ledgerId, was: prev });
      await opts.onVerified?.();
    } else if (next !== 'unchecked') {
      // An error, not a warning: every grant is refused until an operator acts.
      log.error('budget ledger lost: grants refused until it is restored or re-seeded', {
        ledger: name,
        state: next,
        ...info,
        runbook: 'docs/budget-leases.md#a-lost-ledger',
      });
    }
  };

  async function compare(): Promise<{ next: LedgerState; info: Record<string, unknown> }> {
    if (!registry) return { next: 'ok', info: {} };
    let rec = await registry.get(name);
    const marker = await ledger.marker();
    if (!rec) {
      // First start against this catalog (or the first since markers exist): adopt what the
      // ledger has or initialise it. Replicas racing here agree through SET NX and the insert.
      const placed = marker ?? (await ledger.writeMarker(newId(), 'if_absent'));
      rec = await registry.create(name, placed);
      ledgerId = rec.ledgerId;
      return { next: rec.ledgerId === placed ? 'ok' : 'replaced', info: {} };
    }
    ledgerId = rec.ledgerId;
    const next: LedgerState =
      marker === rec.ledgerId
        ? 'ok'
        : marker === null
          ? 'lost'
          : marker === rec.pendingLedgerId
            ? 'reseed_incomplete'
            : 'replaced';
    return { next, info: { expected: rec.ledgerId, found: marker, pending: rec.pendingLedgerId } };
  }

  /** Compares ledger and catalog; concurrent callers share one comparison. Never throws. */
  function check(): Promise<LedgerState> {
    if (reseeding) return Promise.resolve(state);
    running ??= (async () => {
      try {
        const { next, info } = await compare();
        await setState(next, info);
      } catch (e) {
        // Backend unreachable: a verdict we had stays (the grant itself fails on a dead backend);
        // only a never-verified ledger stays unchecked.
        log.warn('budget ledger check failed', { ledger: name, err: e });
      } finally {
        running = null;
      }
      return state;
    })();
    return running;
  }

  /**
   * Before funding: the marker must still be there. One round trip, so a Redis wiped since the
   * last check is caught before the catalog re-funds it (the window is this call to the fund).
   */
  async function assertFundable(): Promise<void> {
    if (state !== 'ok') throw new LedgerNotVerifiedError(state);
    if (!registry) return;
    const marker = await ledger.marker();
    if (marker !== ledgerId) {
      await check();
      throw new LedgerNotVerifiedError(state === 'ok' ? 'unchecked' : state);
    }
  }

  async function reseed(
    input: ReseedInput,
    budgets: CampaignBudget[],
  ): Promise<{ ok: true; value: ReseedResult } | { ok: false; error: ReseedError }> {
    if (!registry) return fail({ error: 'not_needed', message: 'no catalog record to re-seed against' });
    if (reseeding) return fail({ error: 'not_needed', message: 'a re-seed is already running' });
    await check();
    if (state === 'ok' || state === 'unchecked')
      return fail({
        error: 'not_needed',
        message: `ledger state is ${state}; re-seed only a lost ledger`,
      });
    // Ids the ledger cannot key are skipped, as the part skips them when funding.
    budgets = budgets.filter((b) => CAMPAIGN_ID_RE.test(b.campaignId));
    const rec = await registry.get(name);
    if (!rec || rec.ledgerId !== input.expectLedgerId)
      return fail({
        error: 'ledger_mismatch',
        message: `the catalog's ledger id is ${rec?.ledgerId ?? 'none'}, not ${input.expectLedgerId}`,
      });
    const known = new Set(budgets.map((b) => b.campaignId));
    const unknown = Object.keys(input.spentMicros).filter((id) => !known.has(id));
    if (unknown.length)
      return fail({ error: 'invalid_spend', message: 'campaigns not in the catalog', campaigns: unknown });
    const unlisted = [...known].filter((id) => !(id in input.spentMicros));
    if (unlisted.length && !input.unlistedAreUnspent)
      return fail({
        error: 'invalid_spend',
        message: 'campaigns without a known spend (list them, or set unlistedAreUnspent)',
        campaigns: unlisted,
      });
    // A replaced ledger holds someone's books: writing over them would mix two ledgers.
    if (state === 'replaced' || (state === 'lost' && (await ledger.campaignIds()).length > 0))
      return fail({
        error: 'ledger_not_empty',
        message: `the ledger holds accounts (${state}); restore the right one or empty it first`,
      });

    reseeding = true;
    try {
      // Pending first: a crash from here on leaves reseed_incomplete (still refusing), and
      // running reseed again resumes with the same id; every step below is idempotent.
      const id = rec.pendingLedgerId ?? newId();
      if (!rec.pendingLedgerId) await registry.setPending(name, id);
      await ledger.writeMarker(id, 'replace');
      state = 'reseed_incomplete';
      publish();
      let bookedSpentMicros = 0;
      let bookedOverrunMicros = 0;
      const t = now();
      for (const b of budgets) {
        await ledger.fund(b.campaignId, b.totalBudgetMicros);
        const spent = input.spentMicros[b.campaignId] ?? 0;
        if (spent <= 0) continue;
        // Booked as one lease granted and settled at once: money reaches spent only through
        // leased, so the same checked scripts do it and the books stay balanced. Day 'reseed'
        // keeps it off today's daily counter (the runbook says why).
        const leaseId = `reseed-${id}`;
        let lease = await ledger.lease(b.campaignId, leaseId);
        if (!lease) {
          await ledger.grant({
            campaignId: b.campaignId,
            leaseId,
            holder: 'reseed',
            requestedMicros: spent,
            now: t,
            expiresAt: t + 1,
            day: 'reseed',
            dailyCapMicros: null,
            committedCapMicros: null,
          });
          lease = await ledger.lease(b.campaignId, leaseId);
        }
        if (lease?.state === 'active') {
          const r = await ledger.settle(b.campaignId, leaseId, spent, t);
          bookedSpentMicros += r.spentMicros;
          bookedOverrunMicros += r.overrunMicros;
        } else if (lease) {
          bookedSpentMicros += lease.spentMicros;
          bookedOverrunMicros += lease.overrunMicros;
        }
      }
      const result: ReseedResult = {
        ledgerId: id,
        campaigns: budgets.length,
        bookedSpentMicros,
        bookedOverrunMicros,
      };
      await registry.completeReseed(name, id, {
        at: new Date(t).toISOString(),
        reason: input.reason,
        previousLedgerId: rec.ledgerId,
        spentMicros: input.spentMicros,
        unlistedAreUnspent: input.unlistedAreUnspent,
        ...result,
      });
      ledgerId = id;
      log.warn('budget ledger re-seeded by an operator', { ledger: name, reason: input.reason, ...result });
      reseeding = false;
      await setState('ok', {});
      return { ok: true, value: result };
    } finally {
      reseeding = false;
    }
  }

  return {
    state: () => state,
    ledgerId: () => ledgerId,
    name,
    check,
    assertFundable,
    reseed,
  };
}

export type LedgerGuard = ReturnType<typeof createLedgerGuard>;

const fail = (error: ReseedError) => ({ ok: false as const, error });
