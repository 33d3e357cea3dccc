// The isolate's purse for own campaigns: money exists here only as budget leases granted by the
// core, so a campaign can never spend what the core has not already set aside.
//   bid  -> hold (available -> held)       loss -> release (held -> available)
//   win  -> spend (held -> spent; the unspent rest of the hold goes back to available)
// No lease: the campaign sits out and a lease is fetched in the background. The next lease is
// prefetched when the current one runs low; a lease that expired or ran dry is settled (spent
// amount reported, idempotent at the core) once no holds remain on it.
import type { Lease } from '@edge-rtb/shared/lease-api';
import type { LeaseClient } from './lease-client.ts';

type WaitUntil = (p: Promise<unknown>) => void;

interface Slot {
  lease: Lease;
  token: string;
  held: number;
  spent: number;
  ended: boolean;
  settling: boolean;
}

interface Purse {
  current?: Slot;
  next?: Slot;
  fetching: boolean;
  retryAt: number;
  draining: Set<Slot>;
}

export interface HoldTicket {
  readonly campaignId: string;
  readonly leaseId: string;
  readonly amountMicros: number;
  /** @internal */ readonly slot: Slot;
  done: boolean;
}

export type HoldRefusal = { reason: 'lease_empty' } | { reason: 'lease_denied'; retryAt: number };

export interface WalletOptions {
  client: LeaseClient;
  holder: string;
  now?: () => number;
  /** Prefetch the next lease once available falls below this share of the grant. */
  prefetchBelow?: number;
  /** Stop spending this long before expiresAt (clock skew between edge and core). */
  expirySkewMs?: number;
  retryMs?: number;
}

export interface LeaseWallet {
  hold(campaignId: string, amountMicros: number, waitUntil: WaitUntil): HoldTicket | HoldRefusal;
  release(ticket: HoldTicket, waitUntil: WaitUntil): void;
  spend(ticket: HoldTicket, amountMicros: number, waitUntil: WaitUntil): void;
  /**
   * Settles leases that ended while their campaign was idle (no bid to notice it), so money does
   * not sit stranded until the core's expiry sweep. Cheap; called once per auction, acts at most
   * once per second.
   */
  sweep(waitUntil: WaitUntil): void;
  /** For tests and ops. */
  inspect(campaignId: string): {
    leaseId?: string;
    available: number;
    held: number;
    spent: number;
    nextLeaseId?: string;
  };
}

export function createLeaseWallet({
  client,
  holder,
  now = Date.now,
  prefetchBelow = 0.3,
  expirySkewMs = 1_000,
  retryMs = 1_000,
}: WalletOptions): LeaseWallet {
  const purses = new Map<string, Purse>();
  const purse = (id: string): Purse => {
    let p = purses.get(id);
    if (!p) {
      p = { fetching: false, retryAt: 0, draining: new Set() };
      purses.set(id, p);
    }
    return p;
  };
  const available = (s: Slot) => s.lease.amountMicros - s.held - s.spent;
  const usable = (s: Slot) => !s.ended && now() < s.lease.expiresAt - expirySkewMs;

  function settleIfIdle(p: Purse, s: Slot, waitUntil: WaitUntil) {
    if (!s.ended || s.held > 0 || s.settling) return;
    s.settling = true;
    p.draining.delete(s);
    waitUntil(client.settle(s.lease.id, { token: s.token, spentMicros: s.spent }));
  }

  function retire(p: Purse, s: Slot, waitUntil: WaitUntil) {
    s.ended = true;
    p.draining.add(s);
    settleIfIdle(p, s, waitUntil);
  }

  function fetchLease(campaignId: string, p: Purse, waitUntil: WaitUntil) {
    if (p.fetching || now() < p.retryAt) return;
    p.fetching = true;
    // No requestedMicros: the core sizes a lease to last about a minute at this holder's spend
    // rate; asking for the last lease's amount would cap every grant at the first one's size.
    waitUntil(
      client
        .request({ campaignId, holder })
        .then((res) => {
          if (!res) p.retryAt = now() + retryMs;
          else if (res.lease === null) p.retryAt = now() + Math.max(res.retryAfterMs, retryMs);
          else {
            const slot: Slot = {
              lease: res.lease,
              token: res.token,
              held: 0,
              spent: 0,
              ended: false,
              settling: false,
            };
            if (!p.current) p.current = slot;
            else if (!p.next) p.next = slot;
            else retire(p, slot, waitUntil); // cannot happen with one fetch at a time; never strand money
          }
        })
        .finally(() => {
          p.fetching = false;
        }),
    );
  }

  /** Moves an expired or dry current lease out and the prefetched one in. */
  function rotate(p: Purse, need: number, waitUntil: WaitUntil) {
    const cur = p.current;
    if (cur && (!usable(cur) || (available(cur) < need && p.next))) {
      retire(p, cur, waitUntil);
      p.current = undefined;
    }
    if (!p.current && p.next) {
      p.current = p.next;
      p.next = undefined;
    }
    if (p.current && !usable(p.current)) {
      retire(p, p.current, waitUntil);
      p.current = undefined;
    }
  }

  let lastSweep = 0;

  return {
    sweep(waitUntil) {
      const t = now();
      if (t - lastSweep < 1_000) return;
      lastSweep = t;
      for (const p of purses.values()) {
        rotate(p, 0, waitUntil); // an ended current out, the prefetched one in if still usable
        if (p.next && !usable(p.next)) {
          retire(p, p.next, waitUntil);
          p.next = undefined;
        }
      }
    },
    hold(campaignId, amountMicros, waitUntil) {
      const p = purse(campaignId);
      rotate(p, amountMicros, waitUntil);
      const s = p.current;
      if (!s || available(s) < amountMicros) {
        fetchLease(campaignId, p, waitUntil);
        return p.retryAt > now() ? { reason: 'lease_denied', retryAt: p.retryAt } : { reason: 'lease_empty' };
      }
      s.held += amountMicros;
      if (!p.next && available(s) < s.lease.amountMicros * prefetchBelow)
        fetchLease(campaignId, p, waitUntil);
      return { campaignId, leaseId: s.lease.id, amountMicros, slot: s, done: false };
    },
    release(ticket, waitUntil) {
      if (ticket.done) return;
      ticket.done = true;
      ticket.slot.held -= ticket.amountMicros;
      settleIfIdle(purse(ticket.campaignId), ticket.slot, waitUntil);
    },
    spend(ticket, amountMicros, waitUntil) {
      if (ticket.done) return;
      ticket.done = true;
      // A win never costs more than was held: the hold is at the bid, clearing is at or below it.
      const cost = Math.min(Math.max(0, amountMicros), ticket.amountMicros);
      ticket.slot.held -= ticket.amountMicros;
      ticket.slot.spent += cost;
      settleIfIdle(purse(ticket.campaignId), ticket.slot, waitUntil);
    },
    inspect(campaignId) {
      const p = purse(campaignId);
      const s = p.current;
      return {
        ...(s ? { leaseId: s.lease.id } : {}),
        available: s ? available(s) : 0,
        held: s?.held ?? 0,
        spent: s?.spent ?? 0,
        ...(p.next ? { nextLeaseId: p.next.lease.id } : {}),
      };
    },
  };
}
