// Which losing bids are owed a loss notice, and how they ride on the loss events to the core.
import { runAuction } from '@edge-rtb/shared/auction/run';
import { bid, input, request } from '@edge-rtb/shared/auction/test-fixtures';
import { LURL_MAX_LENGTH, type RtbEvent } from '@edge-rtb/shared/events';
import { describe, expect, it } from 'vitest';
import { attachLossNotices, type LossNotice, lossNotices } from './after-auction.ts';

const lossEvent = (bidderId: string, bidId: string, bidderKind: 'dsp' | 'campaign' = 'dsp'): RtbEvent => ({
  v: 1,
  ts: 1,
  auctionId: 'a1',
  id: `a1:loss:${bidderId}:${bidId}`,
  type: 'loss',
  impId: '1',
  bidId,
  bidderKind,
  bidderId,
  reason: '102:outbid',
});

describe('loss notices ride on loss events', () => {
  it('puts each notice on its own bid loss event and returns none left over', () => {
    const events = [lossEvent('d1', 'b1'), lossEvent('d2', 'b1'), lossEvent('c1', 'b1', 'campaign')];
    const notices: LossNotice[] = [
      { bidderId: 'd2', bidId: 'b1', url: 'https://d2.example/l?c=102' },
      { bidderId: 'd1', bidId: 'b1', url: 'https://d1.example/l?c=102' },
    ];
    expect(attachLossNotices(events, notices)).toEqual([]);
    expect(events.map((e) => (e.type === 'loss' ? e.lurl : 'x'))).toEqual([
      'https://d1.example/l?c=102',
      'https://d2.example/l?c=102',
      undefined,
    ]);
  });

  it('returns what no event can carry (too long, or no matching event) for the edge to send', () => {
    const events = [lossEvent('d1', 'b1')];
    const long = { bidderId: 'd1', bidId: 'b1', url: `https://d1.example/?${'x'.repeat(LURL_MAX_LENGTH)}` };
    const orphan = { bidderId: 'd9', bidId: 'b9', url: 'https://d9.example/l' };
    expect(attachLossNotices(events, [long, orphan])).toEqual([long, orphan]);
    expect(events[0]).not.toHaveProperty('lurl');
  });

  it('owes a notice to every losing DSP bid with an http(s) lurl, with the loss code filled in', () => {
    const lurl = 'https://lose.example/l?c=${AUCTION_LOSS}&a=${AUCTION_ID}';
    const outcome = runAuction(
      input(request({ id: 'r1' }), [
        bid(3_000_000, { bidderId: 'win', bid: { id: 'win-b', lurl } }),
        bid(2_000_000, { bidderId: 'lose', bid: { id: 'lose-b', lurl } }),
        bid(1_000_000, { bidderId: 'quiet', bid: { id: 'quiet-b' } }),
        bid(1_500_000, { bidderId: 'bad', bid: { id: 'bad-b', lurl: 'ftp://bad.example/l' } }),
        bid(1_200_000, { bidderKind: 'campaign', bidderId: 'own', bid: { id: 'own-b', lurl } }),
      ]),
    );
    expect(lossNotices(outcome, 'r1')).toEqual([
      { bidderId: 'lose', bidId: 'lose-b', url: 'https://lose.example/l?c=102&a=r1' },
    ]);
  });
});
