// POST /openrtb2/auction: the hot path. Handlers only sequence the pure rules: authenticate,
// cap and parse, request policy, privacy per DSP, fan-out and own campaigns in parallel, bid
// validation, the auction, the response with signed notices, then (after the response, via
// waitUntil) events, holds settled and losing buyers told.
import { runAuction } from '@edge-rtb/shared/auction/run';
import type { RtbEvent } from '@edge-rtb/shared/events';
import { parseBidRequest } from '@edge-rtb/shared/openrtb/parse';
import { type Context, Hono } from 'hono';
import { attachLossNotices, type LossNotice, lossNotices, settleHolds } from '../auction/after-auction.ts';
import { collectCandidates } from '../auction/collect.ts';
import { sendLossNotices } from '../auction/loss-notices.ts';
import { planPrivacy, requestFor } from '../auction/privacy-step.ts';
import { respond } from '../auction/respond.ts';
import { ownBids } from '../campaigns/own-bidder.ts';
import type { EdgeEnv } from '../env.ts';
import { type AuctionFacts, auctionEvents } from '../events/auction-events.ts';
import { type DspCall, fanOut } from '../fanout/fan-out.ts';
import { type EdgeOutcome, mapOutcome, problem } from '../outcomes.ts';
import { eligibleDsps } from '../policy/eligibility.ts';
import { checkRequestPolicy } from '../policy/request-policy.ts';
import { withExchangeNode } from '../policy/schain.ts';
import { admit } from '../request-gate/gate.ts';
import type { EdgeState } from '../state.ts';
import { flushMs, sinkOf } from './notices.ts';

export function auctionRoutes(state: EdgeState) {
  const app = new Hono<EdgeEnv>();
  app.post('/openrtb2/auction', async (c) => {
    const t0 = Date.now();
    const gate = await admit(c, state.snapshots);
    if (!gate.ok) return problem(c, gate.error);
    const { view, ssp, body: text } = gate.value;
    const signer = state.signer(c.env);
    if (!signer) return problem(c, { reason: 'misconfigured', detail: 'NOTICE_KEYS missing or unusable' });
    const waitUntil: WaitUntil = (p) => c.executionCtx.waitUntil(p);
    const parsed = parseBidRequest(text);
    if (!parsed.ok) {
      const first = parsed.error[0]!;
      return c.json(
        {
          error: 'invalid_request',
          field: first.field,
          message: first.message,
          errors: parsed.error.slice(0, 10),
        },
        400,
      );
    }
    const snap = view.raw;
    const auctionId = crypto.randomUUID();
    const original = parsed.value.request;
    const tmaxMs = original.tmax ?? snap.exchange.defaultTmaxMs;
    const privacy = planPrivacy(original);
    const facts: AuctionFacts = {
      auctionId,
      ts: t0,
      pop: c.env.POP || undefined,
      sspId: ssp.id,
      request: original,
      tmaxMs,
      durationMs: 0,
      noBidReason: undefined,
      dsps: [],
      privacy: privacy.summary,
      accepted: [],
      own: new Map(),
      rejected: [],
      outcome: undefined,
    };
    const finished: Finished = { facts, t0, toCore: NO_NOTICES };

    const refused = checkRequestPolicy(original, ssp, view);
    if (refused) return endWith(c, state, finished, refused, waitUntil);
    const deadlineAt = t0 + tmaxMs - snap.exchange.tmaxMarginMs;
    if (deadlineAt <= Date.now())
      return endWith(
        c,
        state,
        finished,
        { reason: 'tmax_exhausted', requestId: original.id, remainingMs: deadlineAt - Date.now() },
        waitUntil,
      );

    const req = withExchangeNode(original, snap.exchange.asi, ssp.id);
    const { eligible, filtered } = eligibleDsps(req, snap.dsps, state.limiter(c.env));
    const wallet = state.wallet(c.env);
    const calls: DspCall[] = [];
    for (const dsp of eligible) calls.push({ dsp, request: requestFor(privacy, dsp, req) });
    const results = await fanOut(calls, deadlineAt, {
      breakers: state.breakers,
      maxAnswerBytes: Number(c.env.MAX_DSP_ANSWER_BYTES) || undefined,
    });
    // Own campaigns bid after the fan-out: any lease fetch they trigger then never competes
    // with a DSP call for the invocation's outbound connections (6 on Cloudflare).
    const own = ownBids(req, snap.campaigns, state.scorer, wallet, waitUntil);
    wallet.sweep(waitUntil);

    const { candidates, own: ownIndex } = collectCandidates(req, snap, own, results, filtered, facts);
    if (candidates.length === 0)
      return endWith(c, state, finished, { reason: 'no_bids', requestId: req.id }, waitUntil);

    const outcome = runAuction({ request: req, bids: candidates, snapshot: snap, ssp });
    facts.outcome = outcome;
    settleHolds(outcome, ownIndex, wallet, waitUntil);
    // Losing DSPs are told by the core from the loss events (default), or by the edge itself
    // with LOSS_NOTICES=edge (one outbound request per losing bid on this isolate's thread).
    const lossMode = c.env.LOSS_NOTICES ?? 'core';
    if (lossMode === 'edge') sendLossNotices(urlsOf(lossNotices(outcome, req.id)), waitUntil);
    else if (lossMode !== 'off') finished.toCore = lossNotices(outcome, req.id);

    const body = await respond(req, outcome, signer, {
      auctionId,
      base: c.env.PUBLIC_URL ?? originOf(c.req.url),
      currencyRates: snap.currencyRates,
      noticeTtlMs: (Number(c.env.NOTICE_TTL_S) || 3600) * 1000,
      now: Date.now(),
      own: ownIndex,
    });
    if (body.nbr !== undefined) facts.noBidReason = `nbr:${body.nbr}`;
    emit(c, state, finished, waitUntil);
    return c.json(body, 200);
  });
  return app;
}

/** An auction once answered: what its events are built from. */
interface Finished {
  facts: AuctionFacts;
  t0: number;
  /** Loss notices owed by this auction that ride on its loss events to the core. */
  toCore: LossNotice[];
}

const NO_NOTICES: LossNotice[] = [];
type WaitUntil = (p: Promise<unknown>) => void;

// The events are built after the answer has gone, by the event batcher's next tick (some 10-15 KB
// and 40-80 us a won auction), so they delay neither this answer nor one arriving meanwhile by
// more. Module functions over a record, not closures made per auction: those lose their optimized
// code at every full GC in workerd.
function emit(c: Context<EdgeEnv>, state: EdgeState, f: Finished, waitUntil: WaitUntil): void {
  f.facts.durationMs = Date.now() - f.t0;
  state.events.addLater(buildEvents, f, sinkOf(c.env), waitUntil, flushMs(c.env));
}

function buildEvents(f: Finished, later: WaitUntil): RtbEvent[] {
  const events = auctionEvents(f.facts);
  const left = attachLossNotices(events, f.toCore);
  if (left.length > 0) sendLossNotices(urlsOf(left), later);
  return events;
}

function endWith(c: Context<EdgeEnv>, state: EdgeState, f: Finished, o: EdgeOutcome, waitUntil: WaitUntil) {
  f.facts.noBidReason = o.reason === 'no_bids' ? 'no_bids' : `${o.reason}:${mapOutcome(o).nbr ?? ''}`;
  emit(c, state, f, waitUntil);
  return problem(c, o);
}

function urlsOf(notices: readonly LossNotice[]): string[] {
  const urls: string[] = [];
  for (const n of notices) urls.push(n.url);
  return urls;
}

/** The origin of the request's (serialized, absolute) URL without parsing it again. */
function originOf(url: string): string {
  const end = url.indexOf('/', url.indexOf('//') + 2);
  const origin = end < 0 ? url : url.slice(0, end);
  return origin.includes('@') ? new URL(url).origin : origin;
}
