// POST /openrtb2/auction: the hot path. Handlers only sequence the pure rules: authenticate,
// cap and parse, request policy, privacy per DSP, fan-out and own campaigns in parallel, bid
// validation and blocklists, the auction, the response with signed notices, then (after the
// response, via waitUntil) events, holds settled and losing buyers told.
import type { DspOutcome } from '@edge-rtb/shared/events';
import { impressionCost } from '@edge-rtb/shared/money';
import { LossReason } from '@edge-rtb/shared/openrtb/codes';
import { parseBidRequest } from '@edge-rtb/shared/openrtb/parse';
import { Hono } from 'hono';
import { planPrivacy } from '../auction/privacy-step.ts';
import { buildBidResponse } from '../auction/respond.ts';
import { runAuction } from '../auction/run.ts';
import type { Candidate } from '../auction/types.ts';
import { ownBids } from '../campaigns/own-bidder.ts';
import type { EdgeEnv } from '../env.ts';
import { type AuctionFacts, auctionEvents } from '../events/auction-events.ts';
import { fanOut } from '../fanout/fan-out.ts';
import { validateAdapterBids } from '../fanout/validate-bids.ts';
import { sspAuth } from '../middleware/auth.ts';
import { bodyLimit } from '../middleware/body-limit.ts';
import { withSnapshot } from '../middleware/snapshot.ts';
import { expandMacros } from '../notices/macros.ts';
import { type EdgeOutcome, mapOutcome, problem } from '../outcomes.ts';
import { checkBidPolicy } from '../policy/bid-policy.ts';
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
        rejected: [],
        results: [],
        takeRateBps: ssp.takeRateBps,
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
        eligible.map((dsp) => ({ dsp, request: privacy.requestFor(dsp) })),
        deadlineAt,
        { breakers: state.breakers },
      );
      const own = ownBids(req, snap.campaigns, state.scorer, wallet, waitUntil);
      const results = await pending;

      const candidates: Candidate[] = own.bids.map((o) => ({
        bidderKind: 'campaign',
        bidderId: o.campaign.id,
        bid: o.bid,
        cur: snap.exchange.currency,
        own: o,
      }));
      for (const s of own.satOut)
        facts.rejected.push({
          bidderKind: 'campaign',
          bidderId: s.campaignId,
          impId: s.impId,
          bidId: `${s.campaignId}:${s.impId}`,
          reason: s.reason,
        });
      const currencies = Object.keys(snap.currencyRates);
      const imps = new Map(req.imp.map((i) => [i.id, i]));
      const dspOutcomes: DspOutcome[] = [...filtered];
      for (const r of results) {
        const { valid, rejected } = validateAdapterBids(r.bids, req, currencies);
        let kept = 0;
        for (const e of rejected)
          facts.rejected.push({
            bidderKind: 'dsp',
            bidderId: r.dsp.id,
            impId: e.impId ?? '',
            bidId: e.bidId ?? '',
            reason: `${e.reason}:${e.code}`,
          });
        for (const v of valid) {
          const blocked = checkBidPolicy(v.bid, v.seat, imps.get(v.bid.impid)!, req);
          if (blocked !== null) {
            facts.rejected.push({
              bidderKind: 'dsp',
              bidderId: r.dsp.id,
              impId: v.bid.impid,
              bidId: v.bid.id,
              ...(v.bid.crid ? { crid: v.bid.crid } : {}),
              price: v.bid.price,
              reason: String(blocked),
            });
            continue;
          }
          kept++;
          candidates.push({
            bidderKind: 'dsp',
            bidderId: r.dsp.id,
            ...(v.seat ? { seat: v.seat } : {}),
            bid: v.bid,
            cur: v.cur,
            dsp: r.dsp,
          });
        }
        const outcome = r.outcome === 'bid' && kept === 0 ? 'invalid' : r.outcome;
        const reason = r.outcome === 'bid' && kept === 0 ? (r.reason ?? 'every bid rejected') : r.reason;
        dspOutcomes.push({
          dspId: r.dsp.id,
          latencyMs: r.latencyMs,
          outcome,
          bids: kept,
          ...(reason ? { reason } : {}),
        });
      }
      facts.dsps = dspOutcomes;
      facts.accepted = candidates;

      const imp = runAuction(req, candidates, ssp, snap);
      facts.results = imp;
      settleOwn(imp, candidates, wallet, waitUntil);
      tellLosers(imp, req.id, waitUntil);

      const body = await buildBidResponse(req, imp, state.signer(c.env), {
        auctionId,
        base: c.env.PUBLIC_URL ?? new URL(c.req.url).origin,
        currency: snap.exchange.currency,
        noticeTtlMs: (Number(c.env.NOTICE_TTL_S) || 3600) * 1000,
        now: Date.now(),
      });
      if (!body) return endWith({ reason: 'no_bids', requestId: req.id });
      emit();
      return c.json(body, 200);
    },
  );
  return app;
}

/** Every own-campaign hold ends here: the winner spends its clearing price, the rest release. */
function settleOwn(
  results: ReturnType<typeof runAuction>,
  candidates: Candidate[],
  wallet: ReturnType<EdgeState['wallet']>,
  waitUntil: (p: Promise<unknown>) => void,
) {
  const winners = new Map(results.filter((r) => r.winner?.own).map((r) => [r.winner!.own!.ticket, r]));
  for (const c of candidates) {
    if (!c.own) continue;
    const r = winners.get(c.own.ticket);
    if (r) wallet.spend(c.own.ticket, impressionCost(r.clearingCpmMicros ?? c.own.cpmMicros), waitUntil);
    else wallet.release(c.own.ticket, waitUntil);
  }
}

/** Losing DSP bids get their lurl called with the loss reason, after the response. */
function tellLosers(
  results: ReturnType<typeof runAuction>,
  requestId: string,
  waitUntil: (p: Promise<unknown>) => void,
) {
  for (const r of results)
    for (const l of r.losers) {
      const lurl = l.candidate.bidderKind === 'dsp' ? l.candidate.bid.lurl : undefined;
      if (!lurl || !/^https?:\/\//i.test(lurl)) continue;
      const url = expandMacros(lurl, {
        auctionId: requestId,
        bidId: l.candidate.bid.id,
        impId: r.impId,
        lossCode: l.lossReason ?? LossReason.LostToHigherBid,
        ...(r.clearingCpmMicros !== undefined ? { minToWinCpmMicros: r.clearingCpmMicros } : {}),
      });
      waitUntil(
        fetch(url, { signal: AbortSignal.timeout(5_000) }).then(
          (res) => res.body?.cancel(),
          () => {},
        ),
      );
    }
}
