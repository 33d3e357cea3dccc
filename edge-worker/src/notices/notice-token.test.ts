import { b64urlDecode, b64urlEncode } from '@edge-rtb/shared/b64url';
import { describe, expect, it } from 'vitest';
import { NOTICE_LEDGER_SHARDS, noticeLedgerName } from './ledger-name.ts';
import { expandMacros } from './macros.ts';
import { createNoticeSigner, type NoticeClaims, parseNoticeKeys, toWire, WIRE } from './notice-token.ts';

const claims: NoticeClaims = {
  auctionId: 'a1',
  impId: '1',
  bidId: 'b1',
  bidderKind: 'dsp',
  bidderId: 'fast',
  priceCpmMicros: 2_500_000,
  currency: 'USD',
  expiresAt: 1_000,
  forward: { win: 'https://dsp.example/win?p=${AUCTION_PRICE}' },
};
const OLD = 'k1:old-secret-0123456789abcdef';
const NEW = 'k2:new-secret-0123456789abcdef';

describe('notice tokens', () => {
  it('round-trips, and rejects tampering, forgery, unknown keys and expiry', async () => {
    const s = createNoticeSigner(`${NEW},${OLD}`);
    const t = await s.sign(claims);
    expect(t.startsWith('n1.k2.')).toBe(true);
    const ok = await s.verify(t, 999);
    expect(ok.ok && ok.value).toEqual({ ...claims, kid: 'k2' });
    expect(await s.verify(t, 1_000)).toEqual({ ok: false, error: { reason: 'expired', expiresAt: 1_000 } });

    const [v, kid, payload, mac] = t.split('.') as [string, string, string, string];
    const cheaper = b64urlEncode(
      new TextEncoder().encode(new TextDecoder().decode(b64urlDecode(payload)!).replace('2500000', '1')),
    );
    expect(await s.verify([v, kid, cheaper, mac].join('.'), 0)).toEqual({
      ok: false,
      error: { reason: 'bad_signature' },
    });
    const forged = await createNoticeSigner('k2:someone-elses-secret-0000').sign(claims);
    expect(await s.verify(forged, 0)).toEqual({ ok: false, error: { reason: 'bad_signature' } });
    expect((await s.verify(t.replace('.k2.', '.k9.'), 0)).ok).toBe(false);
    for (const junk of ['', 'n1', 'n1.k2.x.y', 'a.b.c.d', 'x'.repeat(5000)])
      expect((await s.verify(junk, 0)).ok).toBe(false);
  });

  it('rotation: tokens of the old key verify while it is still listed', async () => {
    const before = await createNoticeSigner(OLD).sign(claims);
    expect((await createNoticeSigner(`${NEW},${OLD}`).verify(before, 0)).ok).toBe(true);
    expect(await createNoticeSigner(NEW).verify(before, 0)).toEqual({
      ok: false,
      error: { reason: 'unknown_kid', kid: 'k1' },
    });
  });

  it('writes every claim under its WIRE name, in WIRE order, and leaves absent ones out', async () => {
    const all = Object.fromEntries(WIRE.map(([long]) => [long, `v-${long}`])) as unknown as NoticeClaims;
    const wire = toWire(all, 'v-kid');
    expect(Object.keys(wire)).toEqual(WIRE.map(([, short]) => short));
    for (const [long, short] of WIRE) expect(wire[short]).toBe(`v-${long}`);
    const payload = (await createNoticeSigner(NEW).sign(claims)).split('.')[2]!;
    expect(JSON.parse(new TextDecoder().decode(b64urlDecode(payload)!))).toEqual({
      a: 'a1',
      i: '1',
      b: 'b1',
      k: 'dsp',
      d: 'fast',
      p: 2_500_000,
      c: 'USD',
      x: 1_000,
      f: { win: 'https://dsp.example/win?p=${AUCTION_PRICE}' },
      kid: 'k2',
    });
  });

  it('refuses unusable key specs', () => {
    expect(parseNoticeKeys('')).toBeNull();
    expect(parseNoticeKeys('k1:short')).toBeNull();
    expect(parseNoticeKeys('bad kid:0123456789abcdef0')).toBeNull();
    expect(() => createNoticeSigner(undefined)).toThrow();
  });
});

describe('OpenRTB macros', () => {
  it('fills known macros URL-encoded and leaves unknown ones', () => {
    expect(
      expandMacros(
        'p=${AUCTION_PRICE}&i=${AUCTION_ID}&l=${AUCTION_LOSS}&x=${AUCTION_MBR}&c=${AUCTION_CURRENCY}',
        {
          auctionId: 'a b',
          bidId: 'b',
          impId: '1',
          seatId: undefined,
          adId: undefined,
          priceCpmMicros: 1_230_000,
          currency: 'EUR',
          lossCode: 102,
          minToWinCpmMicros: undefined,
        },
      ),
    ).toBe('p=1.23&i=a%20b&l=102&x=${AUCTION_MBR}&c=EUR');
  });
});

describe('notice ledger claim', () => {
  it('names a shard from the auction id alone, so every PoP picks the same object', () => {
    expect(noticeLedgerName('auction-42')).toBe(noticeLedgerName('auction-42'));
    const names = new Set(Array.from({ length: 2000 }, (_, i) => noticeLedgerName(`a-${i}`)));
    expect(names.size).toBe(NOTICE_LEDGER_SHARDS); // spread over every shard
    for (const n of names) expect(n).toMatch(/^notice-ledger:\d+$/);
    expect(noticeLedgerName('x', 1)).toBe('notice-ledger:0');
  });

  it('round-trips in the token; an empty or oversized ledger name is malformed', async () => {
    const s = createNoticeSigner(NEW);
    const t = await s.sign({ ...claims, ledger: noticeLedgerName(claims.auctionId) });
    const v = await s.verify(t, 0);
    expect(v.ok && v.value.ledger).toBe(noticeLedgerName('a1'));
    for (const ledger of ['', 'x'.repeat(65)])
      expect(await s.verify(await s.sign({ ...claims, ledger }), 0)).toEqual({
        ok: false,
        error: { reason: 'malformed' },
      });
  });
});
