// POST /openrtb2/auction: the hot path. Handlers only sequence the pure rules: authenticate,
// cap and parse, request policy, privacy per DSP, fan-out and own campaigns in parallel, bid
// validation and blocklists, the auction, the response with signed notices, then (after the
// response, via waitUntil) events, holds settled and losing buyers told.

import { dspCandidates } from '@edge-rtb/shared/auction/candidates';
import { runAuction } from '@edge-rtb/shared/auction/run';
import type { AuctionOutcome, CandidateBid } from '@edge-rtb/shared/auction/types';
import type { DspOutcome } from '@edge-rtb/shared/events';
import { impressionCost } from '@edge-rtb/shared/money';
import { parseBidRequest } from '@edge-rtb/shared/openrtb/parse';
import { Hono } from 'hono';
import { planPrivacy } from '../auction/privacy-step.ts';
import { respond } from '../auction/respond.ts';
import type { LeaseWallet } from '../campaigns/lease-wallet.ts';
import { type OwnBid, ownBids } from '../campaigns/own-bidder.ts';
import { drain } from '../drain.ts';
import type { EdgeEnv } from '../env.ts';
import { type AuctionFacts, auctionEvents } from '../events/auction-events.ts';
import { fanOut } from '../fanout/fan-out.ts';
import { validateAdapterBids } from '../fanout/validate-bids.ts';
import { sspAuth } from '../middleware/auth.ts';
import { bodyLimit } from '../middleware/body-limit.ts';
import { withSnapshot } from '../middleware/snapshot.ts';
import { expandMacros } from '../notices/macros.ts';
import { type EdgeOutcome, mapOutcome, problem } from '../outcomes.ts';
import { eligibleDsps } from '../policy/eligibility.ts';
import { checkRequestPolicy } from '../policy/request-policy.ts';
import { withExchangeNode } from '../policy/schain.ts';
import type { EdgeState } from '../state.ts';
import { flushMs, sinkOf } from './notices.ts';

export function auctionRoutes(state: EdgeState) {
  const app = new Hono<EdgeEnv>();
  app.post(
    '/openrtb2/auction',
    async (c, next) => {
      c.set('startedAt', Date.now());
      await next();
    },
    withSnapshot({ cache: state.snapshots }),
    sspAuth(),
    bodyLimit(),
    async (c) => {
      const t0 = c.var.startedAt;
      const signer = state.signer(c.env);
      if (!signer) return problem(c, { reason: 'misconfigured', detail: 'NOTICE_KEYS missing or unusable' });
      const waitUntil = (p: Promise<unknown>) => c.executionCtx.waitUntil(p);
      const parsed = parseBidRequest(c.var.body);
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
      const view = c.var.snapshot;
      const snap = view.raw;
      const ssp = c.var.ssp;
      const auctionId = crypto.randomUUID();
      const original = parsed.value.request;
      const tmaxMs = original.tmax ?? snap.exchange.defaultTmaxMs;
      const privacy = planPrivacy(original);
      const facts: AuctionFacts = {
        auctionId,
        ts: t0,
        ...(c.env.POP ? { pop: c.env.POP } : {}),
        sspId: ssp.id,
        request: original,
        tmaxMs,
        durationMs: 0,
        dsps: [],
        privacy: privacy.summary,
        accepted: [],
        own: new Map(),
        rejected: [],
      };
      const emit = () => {
        facts.durationMs = Date.now() - t0;
        state.events.add(auctionEvents(facts), sinkOf(c.env), waitUntil, flushMs(c.env));
      };
      const endWith = (o: EdgeOutcome) => {
        facts.noBidReason = o.reason === 'no_bids' ? 'no_bids' : `${o.reason}:${mapOutcome(o).nbr ?? ''}`;
        emit();
        return problem(c, o);
      };

      const refused = checkRequestPolicy(original, ssp, view);
      if (refused) return endWith(refused);
      const deadlineAt = t0 + tmaxMs - snap.exchange.tmaxMarginMs;
      if (deadlineAt <= Date.now())
        return endWith({
          reason: 'tmax_exhausted',
          requestId: original.id,
          remainingMs: deadlineAt - Date.now(),
        });

      const req = withExchangeNode(original, snap.exchange.asi, ssp.id);
      const { eligible, filtered } = eligibleDsps(req, snap.dsps, state.limiter);
      const wallet = state.wallet(c.env);
      // Own campaigns decide synchronously while the DSP calls are in flight.
      const pending = fanOut(
        eligible.map((dsp) => ({ dsp, request: privacy.requestFor(dsp, req) })),
        deadlineAt,
        { breakers: state.breakers },
      );
      const own = ownBids(req, snap.campaigns, state.scorer, wallet, waitUntil);
      const results = await pending;

      const candidates: CandidateBid[] = [];
      const ownIndex = new Map<CandidateBid, OwnBid>();
      for (const o of own.bids) {
        const cand: CandidateBid = {
          bidderKind: 'campaign',
          bidderId: o.campaign.id,
          seat: o.campaign.advertiserId,
          priceCpmMicros: o.cpmMicros,
          cur: snap.exchange.currency,
          bid: o.bid,
        };
        ownIndex.set(cand, o);
        candidates.push(cand);
      }
      facts.own = ownIndex;
      for (const s of own.satOut)
        facts.rejected.push({
          bidderKind: 'campaign',
          bidderId: s.campaignId,
          impId: s.impId,
          bidId: `${s.campaignId}:${s.impId}`,
          reason: s.reason,
        });
      const currencies = Object.keys(snap.currencyRates);
      const dspOutcomes: DspOutcome[] = [...filtered];
      for (const r of results) {
        const { valid, rejected } = validateAdapterBids(r.bids, req, currencies);
        for (const d of r.dropped) facts.rejected.push({ bidderKind: 'dsp', bidderId: r.dsp.id, ...d });
        for (const e of rejected)
          facts.rejected.push({
            bidderKind: 'dsp',
            bidderId: r.dsp.id,
            impId: e.impId ?? '',
            bidId: e.bidId ?? '',
            reason: `${e.reason}:${e.code}:${e.message}`,
          });
        candidates.push(
          ...dspCandidates(r.dsp.id, { id: req.id, cur: snap.exchange.currency, bids: valid, errors: [] }),
        );
        const outcome = r.outcome === 'bid' && valid.length === 0 ? 'invalid' : r.outcome;
        const why =
          rejected.length > 0
            ? rejected
                .slice(0, 2)
                .map((e) => e.message)
                .join('; ')
            : r.reason;
        dspOutcomes.push({
          dspId: r.dsp.id,
          latencyMs: r.latencyMs,
          outcome,
          bids: valid.length,
          ...(why ? { reason: why } : {}),
        });
      }
      facts.dsps = dspOutcomes;
      facts.accepted = candidates;
      if (candidates.length === 0) return endWith({ reason: 'no_bids', requestId: req.id });

      const outcome = runAuction({ request: req, bids: candidates, snapshot: snap, ssp });
      facts.outcome = outcome;
      settleOwn(outcome, ownIndex, wallet, waitUntil);
      if (c.env.LOSS_NOTICES !== 'off') tellLosers(outcome, req.id, waitUntil);

      const body = await respond(req, outcome, signer, {
        auctionId,
        base: c.env.PUBLIC_URL ?? new URL(c.req.url).origin,
        currencyRates: snap.currencyRates,
        noticeTtlMs: (Number(c.env.NOTICE_TTL_S) || 3600) * 1000,
        now: Date.now(),
        own: ownIndex,
      });
      if (body.nbr !== undefined) facts.noBidReason = `nbr:${body.nbr}`;
      emit();
      return c.json(body, 200);
    },
  );
  return app;
}

/** Every own-campaign hold ends here: the winner spends its clearing price, the rest release. */
function settleOwn(
  outcome: AuctionOutcome,
  own: ReadonlyMap<CandidateBid, OwnBid>,
  wallet: LeaseWallet,
  waitUntil: (p: Promise<unknown>) => void,
) {
  const won = new Map(
    outcome.imps.flatMap((i) => (i.winner ? [[i.winner.candidate, i.winner] as const] : [])),
  );
  for (const [cand, o] of own) {
    const w = won.get(cand);
    if (w) wallet.spend(o.ticket, impressionCost(w.clearingCpmMicros), waitUntil);
    else wallet.release(o.ticket, waitUntil);
  }
}

/** Losing DSP bids get their lurl called with the loss reason, after the response. */
function tellLosers(outcome: AuctionOutcome, requestId: string, waitUntil: (p: Promise<unknown>) => void) {
  const all = [
    ...outcome.imps.flatMap((i) =>
      i.losers.map((l) => ({ l, impId: i.impId, min: i.winner?.clearingCpmMicros })),
    ),
    ...outcome.unmatched.map((l) => ({ l, impId: l.candidate.bid.impid, min: undefined })),
  ];
  for (const { l, impId, min } of all) {
    const lurl = l.candidate.bidderKind === 'dsp' ? l.candidate.bid.lurl : undefined;
    if (!lurl || !/^https?:\/\//i.test(lurl)) continue;
    const url = expandMacros(lurl, {
      auctionId: requestId,
      bidId: l.candidate.bid.id,
      impId,
      lossCode: l.reason,
      ...(min !== undefined ? { minToWinCpmMicros: min } : {}),
    });
    waitUntil(
      fetch(url, { signal: AbortSignal.timeout(5_000) }).then(
        (res) => drain(res),
        () => {},
      ),
    );
  }
}
