// The embedded ledger's books in memory: decisions (plan*) turn a request into an Effect,
// and apply() is the only code that changes state. The journal stores Effects, so replay
// on start runs the very same apply() and cannot drift from what was acknowledged.
import type { Micros } from '@edge-rtb/shared/money';
import {
  type Account,
  type Balances,
  emptyBalances,
  type GrantInput,
  type GrantResult,
  grantAmount,
  type LeaseRecord,
  type LedgerTiming,
  POOLS,
  type ReconcileResult,
  type SettleResult,
} from './ledger.ts';

export type Transfer = [from: Account, to: Account, micros: Micros];

export interface Effect {
  s: number;
  c: string;
  t?: Transfer[];
  lease?: LeaseRecord;
  drop?: string;
  /** Daily counter change: [day, delta]. */
  day?: [string, number];
  dropDays?: string[];
  target?: Micros;
  released?: Micros;
  /** The ledger's marker (ledger-guard.ts); an effect with it touches no campaign. */
  marker?: string;
}

interface CampaignBooks {
  b: Balances;
  days: Record<string, Micros>;
}

export interface BooksSnapshot {
  campaigns: Array<[string, CampaignBooks]>;
  leases: LeaseRecord[];
  marker?: string | null;
}

type Planned<T> = { effects: Array<Omit<Effect, 's'>>; result: T };
const KEEP_DAYS = 8;

export class Books {
  readonly campaigns = new Map<string, CampaignBooks>();
  /** Keyed `${campaignId}/${leaseId}`. */
  readonly leases = new Map<string, LeaseRecord>();
  /** Lives in the snapshot and the journal, so it is lost exactly when the books are. */
  marker: string | null = null;
  /**
   * Idempotency key -> `${campaignId}/${leaseId}`. Rebuilt from the lease records (the key is a
   * field of the record), so it is journaled and snapshotted with them and lives as long as they do.
   */
  private readonly keys = new Map<string, string>();
  /** Indexes so a sweep costs what it expires, not the number of records kept. */
  private readonly active = new Set<string>();
  /** Finished leases in the order they finished (about expiresAt order, as the TTL is fixed). */
  private readonly finished = new Set<string>();

  static from(snap: BooksSnapshot | null): Books {
    const books = new Books();
    for (const [id, c] of snap?.campaigns ?? []) books.campaigns.set(id, c);
    for (const l of snap?.leases ?? []) books.index(`${l.campaignId}/${l.leaseId}`, l);
    books.marker = snap?.marker ?? null;
    return books;
  }

  snapshot(): BooksSnapshot {
    // Deep copy through JSON: the snapshot is written after further changes may have begun.
    return JSON.parse(
      JSON.stringify({
        campaigns: [...this.campaigns],
        leases: [...this.leases.values()],
        marker: this.marker,
      }),
    );
  }

  apply(e: Effect): void {
    if (e.marker !== undefined) {
      this.marker = e.marker;
      return;
    }
    let c = this.campaigns.get(e.c);
    if (!c) {
      c = { b: emptyBalances(), days: {} };
      this.campaigns.set(e.c, c);
    }
    for (const [from, to, m] of e.t ?? []) {
      c.b[from] -= m;
      c.b[to] += m;
    }
    for (const p of POOLS) {
      if (c.b[p] < 0) throw new Error(`ledger bug: ${e.c}.${p} went negative (${c.b[p]})`);
    }
    if (e.target !== undefined) c.b.target = e.target;
    if (e.released) c.b.released += e.released;
    if (e.day) {
      const [day, delta] = e.day;
      if (delta > 0 || day in c.days) c.days[day] = Math.max(0, (c.days[day] ?? 0) + delta);
    }
    for (const d of e.dropDays ?? []) delete c.days[d];
    if (e.lease) this.index(`${e.c}/${e.lease.leaseId}`, e.lease);
    if (e.drop) {
      const key = `${e.c}/${e.drop}`;
      const idem = this.leases.get(key)?.idempotencyKey;
      if (idem !== undefined && this.keys.get(idem) === key) this.keys.delete(idem);
      this.leases.delete(key);
      this.active.delete(key);
      this.finished.delete(key);
    }
  }

  private index(key: string, l: LeaseRecord): void {
    this.leases.set(key, l);
    if (l.idempotencyKey !== undefined) this.keys.set(l.idempotencyKey, key);
    if (l.state === 'active') this.active.add(key);
    else if (this.active.delete(key) || !this.finished.has(key)) this.finished.add(key);
  }

  balances(campaignId: string): Balances | null {
    const c = this.campaigns.get(campaignId);
    return c ? { ...c.b } : null;
  }

  dayUsed(campaignId: string, day: string): Micros {
    return this.campaigns.get(campaignId)?.days[day] ?? 0;
  }

  keyedLease(key: string): LeaseRecord | null {
    const ref = this.keys.get(key);
    return ref === undefined ? null : (this.leases.get(ref) ?? null);
  }

  lease(campaignId: string, leaseId: string): LeaseRecord | null {
    return this.leases.get(`${campaignId}/${leaseId}`) ?? null;
  }

  planFund(campaignId: string, total: Micros): Planned<null> {
    const b = this.balances(campaignId) ?? emptyBalances();
    const funded = -b.funding;
    const t: Transfer[] = [];
    if (total > funded) t.push(['funding', 'available', total - funded]);
    const claw = Math.min(b.available + (t[0]?.[2] ?? 0), funded - total);
    if (claw > 0) t.push(['available', 'funding', claw]);
    // The catalog resends budgets on every start: an unchanged one writes nothing.
    if (t.length === 0 && total === b.target && this.campaigns.has(campaignId))
      return { effects: [], result: null };
    return { effects: [{ c: campaignId, t, target: total }], result: null };
  }

  planGrant(i: GrantInput): Planned<GrantResult> {
    const b = this.balances(i.campaignId) ?? emptyBalances();
    const ref = i.idempotencyKey === undefined ? undefined : this.keys.get(i.idempotencyKey);
    if (ref !== undefined) {
      const first = this.leases.get(ref)!;
      const now = { available: b.available, leased: b.leased, spent: b.spent };
      const none = { grantedMicros: 0, limitedBy: 'requested' as const, lease: null, after: now };
      if (first.campaignId !== i.campaignId || first.holder !== i.holder)
        return { effects: [], result: { ...none, keyConflict: true } };
      return {
        effects: [],
        result: { ...none, grantedMicros: first.amountMicros, lease: { ...first }, repeated: true },
      };
    }
    const { amount, limitedBy } = grantAmount(i, b, this.dayUsed(i.campaignId, i.day));
    const after = { available: b.available - amount, leased: b.leased + amount, spent: b.spent };
    if (amount <= 0 || this.lease(i.campaignId, i.leaseId)) {
      const now = { available: b.available, leased: b.leased, spent: b.spent };
      return { effects: [], result: { grantedMicros: 0, limitedBy, lease: null, after: now } };
    }
    const lease: LeaseRecord = {
      leaseId: i.leaseId,
      campaignId: i.campaignId,
      holder: i.holder,
      amountMicros: amount,
      spentMicros: 0,
      releasedMicros: 0,
      overrunMicros: 0,
      state: 'active',
      grantedAt: i.now,
      expiresAt: i.expiresAt,
      day: i.day,
      ...(i.idempotencyKey === undefined ? {} : { idempotencyKey: i.idempotencyKey }),
    };
    const days = Object.keys(this.campaigns.get(i.campaignId)?.days ?? {});
    const effect: Omit<Effect, 's'> = {
      c: i.campaignId,
      t: [['available', 'leased', amount]],
      lease,
      day: [i.day, amount],
    };
    if (!days.includes(i.day) && days.length >= KEEP_DAYS)
      effect.dropDays = days.sort().slice(0, days.length - KEEP_DAYS + 1);
    return { effects: [effect], result: { grantedMicros: amount, limitedBy, lease, after } };
  }

  planSettle(campaignId: string, leaseId: string, reported: Micros): Planned<SettleResult> {
    const l = this.lease(campaignId, leaseId);
    if (!l)
      return {
        effects: [],
        result: { status: 'unknown', spentMicros: 0, releasedMicros: 0, overrunMicros: 0 },
      };
    if (l.state !== 'active') {
      const status = l.state === 'settled' ? 'repeated' : 'expired';
      const result = {
        status,
        spentMicros: l.spentMicros,
        releasedMicros: l.releasedMicros,
        overrunMicros: l.overrunMicros,
      } as const;
      return { effects: [], result };
    }
    const spent = Math.min(reported, l.amountMicros);
    const released = l.amountMicros - spent;
    const overrun = reported - spent;
    const t: Transfer[] = [];
    if (spent > 0) t.push(['leased', 'spent', spent]);
    if (released > 0) t.push(['leased', 'available', released]);
    if (overrun > 0) t.push(['writeoff', 'overrun', overrun]);
    const lease: LeaseRecord = {
      ...l,
      state: 'settled',
      spentMicros: spent,
      releasedMicros: released,
      overrunMicros: overrun,
    };
    const effects = [{ c: campaignId, t, lease, released, day: [l.day, -released] as [string, number] }];
    return this.withClawback(campaignId, effects, released, {
      status: 'applied',
      spentMicros: spent,
      releasedMicros: released,
      overrunMicros: overrun,
    });
  }

  /** Expire active leases past their grace; forget finished ones past retention. */
  planSweep(now: number, timing: LedgerTiming): Array<Omit<Effect, 's'>> {
    const effects: Array<Omit<Effect, 's'>> = [];
    for (const key of this.active) {
      const l = this.leases.get(key)!;
      if (l.expiresAt + timing.settleGraceMs > now) continue;
      const lease: LeaseRecord = { ...l, state: 'expired', spentMicros: l.amountMicros };
      effects.push({ c: l.campaignId, t: [['leased', 'spent', l.amountMicros]], lease });
    }
    // Oldest first; stop at the first one still kept (retention is a minimum, not an exact time).
    for (const key of this.finished) {
      const l = this.leases.get(key)!;
      if (l.expiresAt + timing.retentionMs > now) break;
      effects.push({ c: l.campaignId, drop: l.leaseId });
    }
    return effects;
  }

  planReconcile(campaignId: string, leaseId: string, proven: Micros): Planned<ReconcileResult> {
    const l = this.lease(campaignId, leaseId);
    const none = (status: ReconcileResult['status']) => ({
      effects: [],
      result: { status, releasedMicros: 0, overrunMicros: 0 },
    });
    if (!l) return none('unknown');
    if (l.state === 'active') return none('not_expired');
    if (l.state === 'settled') return none('unchanged');
    const keep = Math.min(proven, l.amountMicros);
    const released = Math.max(0, l.spentMicros - keep);
    const overrun = Math.max(0, proven - l.amountMicros - l.overrunMicros);
    if (released === 0 && overrun === 0) return none('unchanged');
    const t: Transfer[] = [];
    if (released > 0) t.push(['spent', 'available', released]);
    if (overrun > 0) t.push(['writeoff', 'overrun', overrun]);
    const lease: LeaseRecord = {
      ...l,
      spentMicros: l.spentMicros - released,
      releasedMicros: l.releasedMicros + released,
      overrunMicros: l.overrunMicros + overrun,
    };
    const effects = [{ c: campaignId, t, lease, released, day: [l.day, -released] as [string, number] }];
    return this.withClawback(campaignId, effects, released, {
      status: 'applied',
      releasedMicros: released,
      overrunMicros: overrun,
    });
  }

  /** Money coming back to available first pays off a budget cut that leases were still holding. */
  private withClawback<T>(
    campaignId: string,
    effects: Array<Omit<Effect, 's'>>,
    returned: Micros,
    result: T,
  ): Planned<T> {
    const b = this.balances(campaignId)!;
    const owed = -b.funding - b.target;
    const claw = Math.min(owed, b.available + returned);
    if (claw > 0) effects.push({ c: campaignId, t: [['available', 'funding', claw]] });
    return { effects, result };
  }
}
