// The exchange's own notice and tracker endpoints: GET /notice/:kind?t=<signed token>.
// Forged or tampered tokens (403), expired ones (410) and a token used on the wrong kind of URL
// (400) are refused; a genuine one is counted once (NoticeLedger) and only then turned into an
// event and forwarded to the buyer's own notice URL with the OpenRTB macros filled in. Self-hosted
// as several workerd instances, a notice is counted by the instance owning its ledger object.
import { eventId, type RtbEvent } from '@edge-rtb/shared/events';
import { impressionCost } from '@edge-rtb/shared/money';
import { LossReason } from '@edge-rtb/shared/openrtb/codes';
import { Hono } from 'hono';
import { drain } from '../drain.ts';
import type { EdgeEnv } from '../env.ts';
import type { EventJson, EventSink, Receipt } from '../events/event-batcher.ts';
import { type OutboxBindings, settleStored, storedGraceMs, storeInOutbox } from '../events/outbox-client.ts';
import { ledgerOwner } from '../notices/ledger-owner.ts';
import { expandMacros } from '../notices/macros.ts';
import {
  NOTICE_KINDS,
  type NoticeKind,
  type NoticeSigner,
  type SignedClaims,
} from '../notices/notice-token.ts';
import { relayedFrom, relayToOwner } from '../notices/relay.ts';
import type { EdgeState } from '../state.ts';

const PIXEL = Uint8Array.from(atob('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7'), (ch) =>
  ch.charCodeAt(0),
);

export function noticeRoutes(state: EdgeState) {
  const app = new Hono<EdgeEnv>();
  app.get('/notice/:kind', async (c) => {
    const kind = c.req.param('kind') as NoticeKind;
    if (!NOTICE_KINDS.includes(kind))
      return c.json({ error: 'not_found', message: 'unknown notice kind' }, 404);
    const token = c.req.query('t');
    if (!token) return c.json({ error: 'bad_token', message: 'query parameter t is required' }, 400);
    const signer = state.signer(c.env);
    if (!signer) return c.json({ error: 'misconfigured', message: 'NOTICE_KEYS missing or unusable' }, 503);
    const ring = state.ring(c.env);
    if (!ring.ok) return c.json({ error: 'misconfigured', message: ring.error }, 503);
    const v = await signer.verify(token, Date.now());
    if (!v.ok) {
      switch (v.error.reason) {
        case 'malformed':
          return c.json({ error: 'bad_token', message: 'token is not a notice token' }, 400);
        case 'unknown_kid':
        case 'bad_signature':
          return c.json({ error: 'forged_token', message: 'token signature does not verify' }, 403);
        case 'expired':
          return c.json({ error: 'expired_token', message: 'notice arrived after its token expired' }, 410);
      }
    }
    const claims = v.value;
    // A conversion needs the token its click minted; that token is good for nothing else.
    const fits =
      kind === 'conv' ? claims.clicked === true : !claims.clicked && (kind !== 'click' || !!claims.dest);
    if (!fits)
      return c.json({ error: 'wrong_kind', message: `this token is not valid for a ${kind} notice` }, 400);

    const ledger = claims.ledger ?? claims.auctionId;
    const relayedOrigin = relayedFrom(c.req.raw, ring.value);
    if (ring.value && relayedOrigin === undefined) {
      const owner = ledgerOwner(ledger, ring.value.peers.length);
      if (owner !== ring.value.self) return relayToOwner(c.req.raw, ring.value, owner);
    }
    const key = `${kind}:${claims.auctionId}:${claims.impId}:${claims.bidId}`;
    const first = claims.ledger
      ? await c.env.NOTICE_LEDGER.getByName(ledger).claim(key, claims.expiresAt)
      : await c.env.NOTICE_LEDGER.getByName(ledger).firstSeen(key, claims.expiresAt);
    if (first) {
      const ev = toEvent(kind, claims, c.req.query('loss'), c.env.POP, Number(c.req.query('v')));
      // Trackers are money: stored in the durable outbox before the answer goes out. They still
      // leave in the isolate's next batch POST, with the auction events, and the outbox sends them
      // itself only if that POST does not happen or fails; if the outbox cannot take them they
      // wait in memory like the rest.
      const receipt =
        ev !== null && TRACKERS.has(ev.type) && c.env.TRACKER_WRITE_THROUGH !== 'off'
          ? await storeInOutbox(c.env, [ev], storedGraceMs(c.env))
          : null;
      const waitUntil = (p: Promise<unknown>) => c.executionCtx.waitUntil(p);
      if (ev && receipt) state.events.addStored([ev], receipt, sinkOf(c.env), waitUntil, flushMs(c.env));
      else if (ev) state.events.add([ev], sinkOf(c.env), waitUntil, flushMs(c.env));
      const target =
        kind === 'win' || kind === 'bill' || kind === 'loss' ? claims.forward?.[kind] : undefined;
      if (target) c.executionCtx.waitUntil(forward(target, kind, claims, c.req.query('loss')));
    }
    if (kind === 'click' && claims.dest)
      return c.redirect(
        await landing(signer, claims, c.env.PUBLIC_URL ?? relayedOrigin ?? new URL(c.req.url).origin),
        302,
      );
    if (kind === 'imp' || kind === 'conv')
      return c.body(PIXEL, 200, { 'content-type': 'image/gif', 'cache-control': 'no-store' });
    return c.json({ status: first ? 'accepted' : 'duplicate' }, 200);
  });
  return app;
}

const CONVERSION_WINDOW_MS = 30 * 24 * 3600 * 1000;

/**
 * The click lands on the buyer's page with `edge_conv`, a signed conversion pixel URL the
 * advertiser's page calls when the user converts (within 30 days; counted once per imp).
 */
async function landing(signer: NoticeSigner, c: SignedClaims, base: string): Promise<string> {
  const { kid: _kid, forward: _f, dest, ...rest } = c;
  const conv = await signer.sign({ ...rest, clicked: true, expiresAt: Date.now() + CONVERSION_WINDOW_MS });
  const url = new URL(dest!);
  url.searchParams.set('edge_conv', `${base}/notice/conv?t=${conv}`);
  return url.toString();
}

const TRACKERS: ReadonlySet<string> = new Set(['impression', 'click', 'conversion']);

/** Where a request's events go: the core, and the durable outbox when a POST fails. */
export const sinkOf = (env: OutboxBindings & { EDGE_TOKEN: string }): EventSink => ({
  coreUrl: env.CORE_URL,
  edgeToken: env.EDGE_TOKEN,
  ...(Number(env.EVENTS_POST_TIMEOUT_MS) > 0 ? { timeoutMs: Number(env.EVENTS_POST_TIMEOUT_MS) } : {}),
  ...(env.EVENTS_OUTBOX
    ? {
        store: (events: EventJson[], sendAfterMs?: number) => storeInOutbox(env, events, sendAfterMs),
        settle: (receipts: Receipt[], delivered: boolean) => settleStored(env, receipts, delivered),
        graceMs: storedGraceMs(env),
      }
    : {}),
});
export const flushMs = (env: { EVENTS_FLUSH_MS?: string }) => Number(env.EVENTS_FLUSH_MS) || undefined;

function toEvent(
  kind: NoticeKind,
  c: SignedClaims,
  lossParam: string | undefined,
  pop: string | undefined,
  value: number,
): RtbEvent | null {
  const base = {
    v: 1 as const,
    ts: Date.now(),
    auctionId: c.auctionId,
    ...(pop ? { pop } : {}),
    impId: c.impId,
    bidId: c.bidId,
    bidderKind: c.bidderKind,
    bidderId: c.bidderId,
    ...(c.campaignId ? { campaignId: c.campaignId } : {}),
    ...(c.leaseId ? { leaseId: c.leaseId } : {}),
  };
  switch (kind) {
    case 'win':
      return null; // the auction already recorded the win; the nurl is forwarded only
    case 'bill':
    case 'imp':
      // burl and the impression pixel describe the same impression: one stable id, deduped downstream.
      return {
        ...base,
        id: eventId(c.auctionId, 'impression', c.impId),
        type: 'impression',
        amountMicros: impressionCost(c.priceCpmMicros),
        ...(c.crid ? { crid: c.crid } : {}),
      };
    case 'click':
      return { ...base, id: eventId(c.auctionId, 'click', c.impId), type: 'click', amountMicros: 0 };
    case 'conv':
      // `v`: the conversion's value in micros, when the advertiser's page reports one.
      return {
        ...base,
        id: eventId(c.auctionId, 'conversion', c.impId),
        type: 'conversion',
        amountMicros: Number.isSafeInteger(value) && value >= 0 ? value : 0,
      };
    case 'loss': {
      const code = Number(lossParam);
      return {
        v: 1,
        id: eventId(c.auctionId, 'loss', c.bidId),
        type: 'loss',
        ts: base.ts,
        auctionId: c.auctionId,
        ...(pop ? { pop } : {}),
        impId: c.impId,
        bidId: c.bidId,
        bidderKind: c.bidderKind,
        bidderId: c.bidderId,
        reason: `ssp_loss_${Number.isInteger(code) ? code : LossReason.LostToHigherBid}`,
      };
    }
  }
}

async function forward(
  target: string,
  kind: NoticeKind,
  c: SignedClaims,
  lossParam: string | undefined,
): Promise<void> {
  const code = Number(lossParam);
  const url = expandMacros(target, {
    auctionId: c.auctionId,
    bidId: c.bidId,
    impId: c.impId,
    seatId: c.seat || undefined,
    adId: undefined,
    priceCpmMicros: c.buyerPriceCpmMicros ?? c.priceCpmMicros,
    currency: c.buyerCurrency ?? c.currency,
    lossCode: kind !== 'loss' ? undefined : Number.isInteger(code) ? code : LossReason.LostToHigherBid,
    minToWinCpmMicros: undefined,
  });
  if (!/^https?:\/\//i.test(url)) return;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    await drain(res);
  } catch {
    // The buyer's endpoint being down must not undo our own record of the notice.
  }
}
