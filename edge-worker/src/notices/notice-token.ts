// The token on every notice and tracker URL the exchange hands out (nurl, burl, lurl,
// impression, click, conversion). It states what happened (auction, imp, bid, bidder, price)
// and until when the URL is honoured, signed with HMAC-SHA-256 under a rotatable key id:
//   `n1.<kid>.<base64url(JSON claims)>.<base64url(MAC)>`
// Rotation: NOTICE_KEYS lists `kid:secret` pairs; the first signs, every listed key verifies,
// so a new key goes first and the old one stays listed until its tokens have expired.

import { b64urlDecode, b64urlEncode, b64urlOfBinary } from '@edge-rtb/shared/b64url';
import { err, ok, type Result } from '@edge-rtb/shared/result';

export const NOTICE_KINDS = ['win', 'bill', 'loss', 'imp', 'click', 'conv'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/**
 * One token per winning bid serves all its URLs: the SSP receives every one of them anyway, so
 * binding a token to one kind would add no protection, only an HMAC per URL. The URL's path says
 * which notice it is; dedupe counts each kind once.
 */
export interface NoticeClaims {
  auctionId: string;
  impId: string;
  bidId: string;
  bidderKind: 'dsp' | 'campaign';
  bidderId: string;
  /** What the buyer pays (clearing price), CPM micros in the exchange currency `currency`. */
  priceCpmMicros: number;
  currency: string;
  /** The same price in the buyer's bid currency: the ${AUCTION_PRICE} of its own notices. */
  buyerPriceCpmMicros?: number;
  buyerCurrency?: string;
  /** Epoch ms after which the URLs are refused. */
  expiresAt: number;
  crid?: string;
  campaignId?: string;
  leaseId?: string;
  seat?: string;
  /** The buyer's own notice URLs (macros unexpanded), called once ours verify. */
  forward?: { win?: string; bill?: string; loss?: string };
  /** Where a click lands (signed, so not an open redirect). */
  dest?: string;
  /** Only on tokens minted by a click: a conversion must follow a click. */
  clicked?: boolean;
  /** The NoticeLedger object that dedups this token's notices (absent on older tokens: per auction). */
  ledger?: string;
}

export interface SignedClaims extends NoticeClaims {
  kid: string;
}

export type NoticeTokenError =
  | { reason: 'malformed' }
  | { reason: 'unknown_kid'; kid: string }
  | { reason: 'bad_signature' }
  | { reason: 'expired'; expiresAt: number };

export interface NoticeSigner {
  sign(claims: NoticeClaims): Promise<string>;
  verify(token: string, now: number): Promise<Result<SignedClaims, NoticeTokenError>>;
}

const VERSION = 'n1';

/** Short wire names keep the token, repeated in every URL of a bid, small. */
export const WIRE: ReadonlyArray<[keyof SignedClaims, string]> = [
  ['auctionId', 'a'],
  ['impId', 'i'],
  ['bidId', 'b'],
  ['bidderKind', 'k'],
  ['bidderId', 'd'],
  ['priceCpmMicros', 'p'],
  ['currency', 'c'],
  ['buyerPriceCpmMicros', 'bp'],
  ['buyerCurrency', 'bc'],
  ['expiresAt', 'x'],
  ['crid', 'cr'],
  ['campaignId', 'ca'],
  ['leaseId', 'l'],
  ['seat', 's'],
  ['forward', 'f'],
  ['dest', 'u'],
  ['clicked', 'ck'],
  ['ledger', 'lg'],
  ['kid', 'kid'],
];

/**
 * WIRE's mapping as one literal in WIRE's order (a unit test holds the two together): absent
 * claims stay undefined and JSON.stringify leaves them out. Copying key by key gave every
 * combination of claims its own hidden class, dropped with the token at the runtime's next full
 * GC together with the optimized code that had seen it (docs/architecture.md, "Hidden classes
 * that outlive a request").
 */
export function toWire(c: NoticeClaims, kid: string): Record<string, unknown> {
  return {
    a: c.auctionId,
    i: c.impId,
    b: c.bidId,
    k: c.bidderKind,
    d: c.bidderId,
    p: c.priceCpmMicros,
    c: c.currency,
    bp: c.buyerPriceCpmMicros,
    bc: c.buyerCurrency,
    x: c.expiresAt,
    cr: c.crid,
    ca: c.campaignId,
    l: c.leaseId,
    s: c.seat,
    f: c.forward,
    u: c.dest,
    ck: c.clicked,
    lg: c.ledger,
    kid,
  };
}

function fromWire(w: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [long, short] of WIRE) if (w[short] !== undefined) out[long] = w[short];
  return out;
}

/** base64url of a string's UTF-8; ASCII (the usual case) goes straight through btoa. */
function encodeText(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point
  if (/^[\x00-\x7f]*$/.test(s)) return b64urlOfBinary(s);
  return b64urlEncode(enc.encode(s));
}
const KID_RE = /^[A-Za-z0-9_-]{1,32}$/;
const MAX_TOKEN = 4096;
const enc = new TextEncoder();

/** Parses `kid:secret,kid:secret`; returns null when unusable (no key, bad kid, empty secret). */
export function parseNoticeKeys(
  spec: string | undefined,
): { current: string; keys: Map<string, string> } | null {
  if (!spec) return null;
  const keys = new Map<string, string>();
  let current = '';
  for (const part of spec.split(',')) {
    const i = part.indexOf(':');
    const kid = part.slice(0, i).trim();
    const secret = part.slice(i + 1).trim();
    if (i < 1 || !KID_RE.test(kid) || secret.length < 16) return null;
    keys.set(kid, secret);
    current ||= kid;
  }
  return current ? { current, keys } : null;
}

export function createNoticeSigner(spec: string | undefined): NoticeSigner {
  const ring = parseNoticeKeys(spec);
  if (!ring) throw new Error('NOTICE_KEYS must be kid:secret[,kid:secret...] with secrets of 16+ chars');
  const imported = new Map<string, Promise<CryptoKey>>();
  // The signing key once imported: signing (once per won auction) then awaits only the HMAC.
  let signingKey: CryptoKey | undefined;
  const keyFor = (kid: string): Promise<CryptoKey> | undefined => {
    const secret = ring.keys.get(kid);
    if (secret === undefined) return undefined;
    let k = imported.get(kid);
    if (!k) {
      k = crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
        'sign',
        'verify',
      ]);
      imported.set(kid, k);
    }
    return k;
  };

  return {
    async sign(claims) {
      const kid = ring.current;
      const head = `${VERSION}.${kid}.${encodeText(JSON.stringify(toWire(claims, kid)))}`;
      signingKey ??= await keyFor(kid)!;
      const mac = await crypto.subtle.sign('HMAC', signingKey, enc.encode(head));
      return `${head}.${b64urlEncode(new Uint8Array(mac))}`;
    },
    async verify(token, now) {
      const parts = token.length <= MAX_TOKEN ? token.split('.') : [];
      if (parts.length !== 4 || parts[0] !== VERSION) return err({ reason: 'malformed' });
      const [, kid, payload, sig] = parts as [string, string, string, string];
      const key = keyFor(kid);
      if (!key) return err({ reason: 'unknown_kid', kid: kid.slice(0, 32) });
      const mac = b64urlDecode(sig);
      const bytes = b64urlDecode(payload);
      if (!mac || !bytes) return err({ reason: 'malformed' });
      // subtle.verify compares in constant time.
      const good = await crypto.subtle.verify(
        'HMAC',
        await key,
        mac,
        enc.encode(`${VERSION}.${kid}.${payload}`),
      );
      if (!good) return err({ reason: 'bad_signature' });
      const claims = readClaims(bytes);
      if (!claims || claims.kid !== kid) return err({ reason: 'malformed' });
      if (now >= claims.expiresAt) return err({ reason: 'expired', expiresAt: claims.expiresAt });
      return ok(claims);
    },
  };
}

function readClaims(bytes: Uint8Array): SignedClaims | null {
  let v: unknown;
  try {
    // Latin-1 round trip of what encodeText wrote with btoa; UTF-8 for the byte path.
    const text = bytes.every((b) => b < 0x80)
      ? String.fromCharCode(...bytes)
      : new TextDecoder().decode(bytes);
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const c = fromWire(v as Record<string, unknown>) as unknown as SignedClaims;
  const s = (x: unknown) => typeof x === 'string' && x.length > 0;
  if (!s(c.auctionId) || !s(c.impId) || !s(c.bidId) || !s(c.bidderId) || !s(c.kid) || !s(c.currency))
    return null;
  if (c.bidderKind !== 'dsp' && c.bidderKind !== 'campaign') return null;
  if (!Number.isSafeInteger(c.priceCpmMicros) || c.priceCpmMicros < 0 || !Number.isSafeInteger(c.expiresAt))
    return null;
  if (c.forward !== undefined && (typeof c.forward !== 'object' || c.forward === null)) return null;
  if (c.ledger !== undefined && !(s(c.ledger) && (c.ledger as string).length <= 64)) return null;
  return c;
}
