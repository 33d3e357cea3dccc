// The signed budget-lease token: the core's statement "lease L grants A micros of campaign C
// to holder H until T", which the edge carries and hands back on settle.
// Format (compact, URL-safe): `v1.<kid>.<base64url(JSON claims)>.<base64url(HMAC-SHA-256)>`;
// the MAC covers everything before the last dot. The kid sits in clear so the verifier can
// pick the key before parsing the claims, and again inside the claims so it is signed.
// Web Crypto only: this file runs in workerd and in Node.
import { b64urlDecode, b64urlEncode } from './b64url.ts';
import type { Micros } from './money.ts';
import { isMicros } from './money.ts';
import { err, ok, type Result } from './result.ts';

export interface LeaseClaims {
  leaseId: string;
  campaignId: string;
  amountMicros: Micros;
  /** Epoch ms. */
  expiresAt: number;
  holder: string;
  kid: string;
}

/** Same shape as config.leaseKeys: sign with `current`, verify with any key in `keys`. */
export interface LeaseKeyring {
  current: string;
  keys: Record<string, string>;
}

export type TokenError =
  | { reason: 'malformed' }
  | { reason: 'unknown_kid'; kid: string }
  | { reason: 'bad_signature' }
  | { reason: 'expired'; expiresAt: number };

export interface LeaseTokenCodec {
  sign(claims: Omit<LeaseClaims, 'kid'>): Promise<string>;
  /**
   * Checks the MAC and, unless `allowExpired`, the expiry. Settle passes allowExpired: a
   * holder reports spend after its lease ended, but the token must still be genuine.
   */
  verify(
    token: string,
    opts: { now: number; allowExpired?: boolean },
  ): Promise<Result<LeaseClaims, TokenError>>;
}

const VERSION = 'v1';
const KID_RE = /^[A-Za-z0-9_-]{1,32}$/;
const enc = new TextEncoder();

/**
 * A synchronous HMAC-SHA-256, when the runtime has one. Web Crypto's is async and costs ~25 us
 * per call in Node (a thread-pool hop); the core, which signs every grant, passes node:crypto's.
 */
export type HmacSha256 = (secret: string, data: string) => Uint8Array;

export function createLeaseTokenCodec(keyring: LeaseKeyring, hmac?: HmacSha256): LeaseTokenCodec {
  if (!keyring.keys[keyring.current]) throw new Error(`lease key ${keyring.current} missing from keyring`);
  for (const kid of Object.keys(keyring.keys)) {
    if (!KID_RE.test(kid)) throw new Error(`lease key id ${kid} must match ${KID_RE}`);
  }
  // importKey is async and not free: one CryptoKey per kid, imported on first use.
  const cache = new Map<string, Promise<CryptoKey>>();
  const keyFor = (kid: string): Promise<CryptoKey> | undefined => {
    const secret = keyring.keys[kid];
    if (secret === undefined) return undefined;
    let k = cache.get(kid);
    if (!k) {
      k = crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
        'sign',
        'verify',
      ]);
      cache.set(kid, k);
    }
    return k;
  };

  return {
    async sign(claims) {
      const kid = keyring.current;
      const body = { ...claims, kid };
      const head = `${VERSION}.${kid}.${b64urlEncode(enc.encode(JSON.stringify(body)))}`;
      const mac = hmac
        ? hmac(keyring.keys[kid]!, head)
        : await crypto.subtle.sign('HMAC', await keyFor(kid)!, enc.encode(head));
      return `${head}.${b64urlEncode(new Uint8Array(mac))}`;
    },

    async verify(token, { now, allowExpired = false }) {
      const parts = typeof token === 'string' && token.length < 2048 ? token.split('.') : [];
      if (parts.length !== 4 || parts[0] !== VERSION) return err({ reason: 'malformed' });
      const [, kid, payload, sig] = parts as [string, string, string, string];
      const key = keyFor(kid);
      if (!key) return err({ reason: 'unknown_kid', kid });
      const mac = b64urlDecode(sig);
      const bytes = b64urlDecode(payload);
      if (!mac || !bytes) return err({ reason: 'malformed' });
      // Constant-time comparison only (subtle.verify or equalBytes); never compare MACs with ===.
      const signed = `${VERSION}.${kid}.${payload}`;
      const good = hmac
        ? equalBytes(hmac(keyring.keys[kid]!, signed), mac)
        : await crypto.subtle.verify('HMAC', await key, mac, enc.encode(signed));
      if (!good) return err({ reason: 'bad_signature' });
      const claims = parseClaims(bytes);
      if (!claims || claims.kid !== kid) return err({ reason: 'malformed' });
      if (!allowExpired && now >= claims.expiresAt)
        return err({ reason: 'expired', expiresAt: claims.expiresAt });
      return ok(claims);
    },
  };
}

/** Constant time for equal lengths: the loop never exits early on a mismatch. */
function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

function parseClaims(bytes: Uint8Array<ArrayBuffer>): LeaseClaims | null {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const c = v as Record<string, unknown>;
  const str = (x: unknown): x is string => typeof x === 'string' && x.length > 0;
  if (!str(c.leaseId) || !str(c.campaignId) || !str(c.holder) || !str(c.kid)) return null;
  if (!isMicros(c.amountMicros) || !Number.isSafeInteger(c.expiresAt)) return null;
  return {
    leaseId: c.leaseId,
    campaignId: c.campaignId,
    amountMicros: c.amountMicros,
    expiresAt: c.expiresAt as number,
    holder: c.holder,
    kid: c.kid,
  };
}
