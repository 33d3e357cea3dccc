// Price rules. Floors are net (what the publisher wants to receive), so the floor a bid must
// reach is grossed up by the take rate: the SSP's payout after our take still meets its floor.
// First price clears at the bid; second price at max(floor, runner-up) + increment, never above
// the winner's bid; a fixed-price deal (at=3) at the deal floor.
import { bpsOf, type Micros } from '../money.ts';

/**
 * The smallest gross price g whose payout g - floor(g * bps / 10000) is >= `net`.
 * payout(g) = ceil(g * (10000 - bps) / 10000), so g = floor((net - 1) * 10000 / (10000 - bps)) + 1,
 * computed in BigInt because (net - 1) * 10000 can pass 2^53.
 */
export function grossUp(net: Micros, takeRateBps: number): Micros {
  if (takeRateBps <= 0 || net === 0 || !Number.isSafeInteger(net)) return net;
  const g = (BigInt(net - 1) * 10_000n) / BigInt(10_000 - takeRateBps) + 1n;
  return Number(g);
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
