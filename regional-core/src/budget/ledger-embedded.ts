// Single-node budget ledger: the books live in memory (one JS thread = every operation is
// atomic) and every change is journaled and fsynced before the caller hears about it.
// On open, snapshot + journal are replayed, so a restart loses nothing that was acknowledged.
import type { Micros } from '@edge-rtb/shared/money';
import { observeSpend, type SpendRate } from '@edge-rtb/shared/pacing/lease-size';
import { Journal } from './journal.ts';
import type { BudgetLedger, ExpiredLease, GrantInput, LedgerTiming } from './ledger.ts';
import { DEFAULT_TIMING, MAX_SPEND_RATES, SPEND_RATE_KEEP_TAUS } from './ledger.ts';
import { Books, type BooksSnapshot, type Effect } from './ledger-books.ts';

export interface EmbeddedLedgerOptions {
  /** Directory for ledger.journal and ledger.snapshot.json (one ledger per directory). */
  dir: string;
  timing?: LedgerTiming;
  /** Records between snapshots. */
  compactEvery?: number;
}

export async function openEmbeddedLedger(opts: EmbeddedLedgerOptions): Promise<BudgetLedger> {
  const timing = opts.timing ?? DEFAULT_TIMING;
  let books = new Books();
  const { journal, recovered } = await Journal.open<BooksSnapshot, Effect>(
    opts.dir,
    () => books.snapshot(),
    opts.compactEvery,
  );
  books = Books.from(recovered.snapshot);
  for (const e of recovered.records) books.apply(e);
  // Spend histories are not money: memory only, as a single node has no other replica to share
  // them with. Map order doubles as least-recently-used.
  const rates = new Map<string, SpendRate & { keepUntil: number }>();
  const rateKey = (campaignId: string, holder: string) => `${campaignId}\n${holder}`;

  // Apply in memory and journal in the same tick (so the next operation already sees it),
  // then wait for the fsync before answering.
  const commit = async (effects: Array<Omit<Effect, 's'>>): Promise<void> => {
    if (journal.error) throw journal.error;
    const writes = effects.map((e) => {
      const rec = { s: journal.nextSeq(), ...e };
      books.apply(rec);
      return journal.append(rec);
    });
    await Promise.all(writes);
  };

  return {
    async fund(campaignId, total) {
      await commit(books.planFund(campaignId, total).effects);
      return books.balances(campaignId)!;
    },
    async grant(input: GrantInput) {
      const { effects, result } = books.planGrant(input);
      await commit(effects);
      return result;
    },
    async settle(campaignId, leaseId, spent: Micros) {
      const { effects, result } = books.planSettle(campaignId, leaseId, spent);
      await commit(effects);
      return result;
    },
    async sweep(now) {
      const effects = books.planSweep(now, timing);
      await commit(effects);
      const expired: ExpiredLease[] = [];
      for (const { lease: l } of effects)
        if (l?.state === 'expired')
          expired.push({
            campaignId: l.campaignId,
            leaseId: l.leaseId,
            amountMicros: l.amountMicros,
            holder: l.holder,
          });
      return expired;
    },
    async reconcile(campaignId, leaseId, proven) {
      const { effects, result } = books.planReconcile(campaignId, leaseId, proven);
      await commit(effects);
      return result;
    },
    async balances(campaignId) {
      return books.balances(campaignId);
    },
    async lease(campaignId, leaseId) {
      const l = books.lease(campaignId, leaseId);
      return l ? { ...l } : null;
    },
    async keyedLease(key) {
      const l = books.keyedLease(key);
      return l ? { ...l } : null;
    },
    async dailyUsed(campaignId, day) {
      return books.dayUsed(campaignId, day);
    },
    async marker() {
      return books.marker;
    },
    async writeMarker(id, mode) {
      if (mode === 'replace' || books.marker === null) await commit([{ c: '', marker: id }]);
      return books.marker ?? id;
    },
    async campaignIds() {
      return [...books.campaigns.keys()];
    },
    async spendRate(campaignId, holder, now) {
      const r = rates.get(rateKey(campaignId, holder));
      return r && now < r.keepUntil ? { sum: r.sum, atMs: r.atMs, sinceMs: r.sinceMs } : null;
    },
    async observeSpend(o) {
      const key = rateKey(o.campaignId, o.holder);
      const kept = rates.get(key);
      const prev = kept && o.now < kept.keepUntil ? kept : null;
      rates.delete(key);
      const next = observeSpend(prev, o.now, o.spentMicros, o.tauMs, o.sinceMs);
      rates.set(key, { ...next, keepUntil: next.atMs + SPEND_RATE_KEEP_TAUS * o.tauMs });
      if (rates.size > MAX_SPEND_RATES) rates.delete(rates.keys().next().value!);
    },
    async ready() {
      return journal.error ? { ok: false, detail: `journal: ${journal.error.message}` } : { ok: true };
    },
    async close() {
      await journal.close();
    },
  };
}
