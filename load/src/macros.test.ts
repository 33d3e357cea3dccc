import { describe, expect, it } from 'vitest';
import { fillMacros } from './macros.ts';

describe('fillMacros', () => {
  it('fills known macros, plain and URL-encoded, and leaves unknown ones', () => {
    // OpenRTB macros look like template placeholders on purpose: they are literal text here.
    const url = 'http://x/win?p=${AUCTION_PRICE}&a=%24%7BAUCTION_ID%7D&z=${AUCTION_FOO}&l=${AUCTION_LOSS}';
    expect(fillMacros(url, { price: 1.25, auctionId: 'a 1', lossReason: 102 })).toBe(
      'http://x/win?p=1.25&a=a%201&z=${AUCTION_FOO}&l=102',
    );
  });
});
