import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLeaseTokenCodec } from './lease-token.ts';

const claims = {
  leaseId: 'l-1',
  campaignId: 'c-1',
  amountMicros: 5_000_000,
  expiresAt: 2_000,
  holder: 'pop-ams/iso-1',
};
const ring = { current: 'k2', keys: { k1: 'old-secret', k2: 'new-secret' } };

describe('lease token', () => {
  it('round-trips the claims with the current kid', async () => {
    const codec = createLeaseTokenCodec(ring);
    const token = await codec.sign(claims);
    expect(token).toMatch(/^v1\.k2\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(await codec.verify(token, { now: 1_000 })).toEqual({ ok: true, value: { ...claims, kid: 'k2' } });
  });

  it('accepts tokens signed with an older key still in the ring (rotation)', async () => {
    const old = await createLeaseTokenCodec({ current: 'k1', keys: { k1: 'old-secret' } }).sign(claims);
    const r = await createLeaseTokenCodec(ring).verify(old, { now: 1_000 });
    expect(r.ok && r.value.kid).toBe('k1');
  });

  it('rejects a tampered payload', async () => {
    const codec = createLeaseTokenCodec(ring);
    const [v, kid, , sig] = (await codec.sign(claims)).split('.');
    const forged = btoa(JSON.stringify({ ...claims, amountMicros: 9e9, kid: 'k2' }))
      .replaceAll('=', '')
      .replaceAll('+', '-')
      .replaceAll('/', '_');
    expect(await codec.verify(`${v}.${kid}.${forged}.${sig}`, { now: 0 })).toEqual({
      ok: false,
      error: { reason: 'bad_signature' },
    });
  });

  it('rejects a token swapped to another kid', async () => {
    const codec = createLeaseTokenCodec(ring);
    const token = (await codec.sign(claims)).replace('v1.k2.', 'v1.k1.');
    expect((await codec.verify(token, { now: 0 })).ok).toBe(false);
  });

  it('rejects a token signed with a wrong key under a known kid', async () => {
    const evil = await createLeaseTokenCodec({ current: 'k2', keys: { k2: 'guessed' } }).sign(claims);
    const r = await createLeaseTokenCodec(ring).verify(evil, { now: 0 });
    expect(r).toEqual({ ok: false, error: { reason: 'bad_signature' } });
  });

  it('rejects an unknown kid', async () => {
    const t = await createLeaseTokenCodec({ current: 'k9', keys: { k9: 'x' } }).sign(claims);
    expect(await createLeaseTokenCodec(ring).verify(t, { now: 0 })).toEqual({
      ok: false,
      error: { reason: 'unknown_kid', kid: 'k9' },
    });
  });

  it('rejects an expired token unless the caller allows it (settle)', async () => {
    const codec = createLeaseTokenCodec(ring);
    const t = await codec.sign(claims);
    expect(await codec.verify(t, { now: 2_000 })).toEqual({
      ok: false,
      error: { reason: 'expired', expiresAt: 2_000 },
    });
    expect((await codec.verify(t, { now: 9_999, allowExpired: true })).ok).toBe(true);
  });

  it('accepts exactly one spelling of a token (no spare-bit variants)', async () => {
    const codec = createLeaseTokenCodec(ring);
    const token = await codec.sign(claims);
    // The MAC is 32 bytes = 43 chars; the last char carries 2 spare bits: flip one of them.
    const last = token.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = token.slice(0, -1) + alphabet[alphabet.indexOf(last) ^ 1];
    expect(await codec.verify(twin, { now: 0 })).toEqual({ ok: false, error: { reason: 'malformed' } });
  });

  it('calls garbage malformed, never throws', async () => {
    const codec = createLeaseTokenCodec(ring);
    for (const junk of [
      '',
      'v1',
      'v1.k2.!!.??',
      'v2.k2.e30.AA',
      'v1.k2.e30',
      'a.b.c.d.e',
      'x'.repeat(5000),
    ]) {
      const r = await codec.verify(junk, { now: 0 });
      expect(r.ok).toBe(false);
    }
  });
});

describe('lease token with a synchronous HMAC (the core passes node:crypto)', () => {
  const nodeHmac = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest();
  it('produces the same tokens as Web Crypto and rejects the same forgeries', async () => {
    const web = createLeaseTokenCodec(ring);
    const sync = createLeaseTokenCodec(ring, nodeHmac);
    const token = await sync.sign(claims);
    expect(token).toBe(await web.sign(claims));
    expect((await web.verify(token, { now: 0 })).ok).toBe(true);
    expect((await sync.verify(await web.sign(claims), { now: 0 })).ok).toBe(true);
    const evil = await createLeaseTokenCodec({ current: 'k2', keys: { k2: 'guessed' } }).sign(claims);
    expect(await sync.verify(evil, { now: 0 })).toEqual({ ok: false, error: { reason: 'bad_signature' } });
  });
});
