// Price rules. Floors are net (what the publisher wants to receive), so the floor a bid must
// reach is grossed up by the take rate: the SSP's payout after our take still meets its floor.
// First price clears at the bid; second price at max(floor, runner-up) + increment, never above
// the winner's bid; a fixed-price deal (at=3) at the deal floor.
import { bpsOf, type Micros } from '../money.ts';

/** The smallest gross price whose payout after `takeRateBps` is >= `net`. */
export function grossUp(net: Micros, takeRateBps: number): Micros {
  if (takeRateBps <= 0 || net === 0) return net;
  let g = Math.ceil((net * 10_000) / (10_000 - takeRateBps));
  // Integer check instead of trusting float division at the boundary.
  while (g > net && g - 1 - bpsOf(g - 1, takeRateBps) >= net) g--;
  while (g - bpsOf(g, takeRateBps) < net) g++;
  return g;
}

export function clearingPrice(
  auctionType: 1 | 2 | 3,
  bid: Micros,
  floor: Micros,
  runnerUp: Micros | undefined,
  increment: Micros,
): Micros {
  if (auctionType === 1) return bid;
  if (auctionType === 3) return Math.min(floor, bid);
  return Math.min(bid, Math.max(floor, runnerUp ?? 0) + increment);
}

export function split(clearing: Micros, takeRateBps: number): { take: Micros; payout: Micros } {
  const take = bpsOf(clearing, takeRateBps);
  return { take, payout: clearing - take };
}
