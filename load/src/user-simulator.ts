// The user simulator: for each ad the SSP showed, behaves like the browser that rendered it.
// After a render delay it calls the billing notice (burl) and the impression trackers in the
// markup; with the user's hidden click probability it clicks (the exchange's click tracker,
// redirects not followed: the landing page is not on loopback) and may later convert.
// Everything is bounded: delays are capped, pending work has a ceiling, and drain() ends.
import { Agent, request } from 'undici';
import { createRng } from './prng.ts';
import type { Win } from './ssp-simulator.ts';
import { extractTrackers, isLoopback } from './trackers.ts';
import { groundTruth, type UserModelOptions } from './user-model.ts';

export interface UserSimOptions {
  seed: number;
  model: UserModelOptions;
  /** Median delays (ms); lognormal spread; capped at `maxDelayMs`. */
  renderMs: number;
  clickMs: number;
  convertMs: number;
  maxDelayMs: number;
  maxPending: number;
  /** Which winning seats are external DSPs (their billing notice must reach them). */
  isDspSeat?: (seat: string) => boolean;
  /** Explicit conversion pixel (the advertiser's page calls it) when markup carries none. */
  conversionUrl?: (win: Win, clickUrl: string) => string | undefined;
}

export type TrackerKind = 'billing' | 'impression' | 'click' | 'conversion';

export interface UserSimStats {
  wins: number;
  /** Calls made, answered 2xx/3xx, and failed, per kind. */
  sent: Record<TrackerKind, number>;
  ok: Record<TrackerKind, number>;
  failed: Record<TrackerKind, number>;
  /** Wins whose markup had no impression tracker / no click tracker (the edge should add them). */
  missingImpressionTracker: number;
  missingClickTracker: number;
  droppedOverLimit: number;
  /** Why calls failed: "<kind> <status>" or "<kind> <error code>", to tell a 403 from a timeout. */
  failures: Record<string, number>;
  /** Ads whose billing notice or impression pixel the edge accepted: impressions that must become events. */
  impressionsCounted: number;
  /** Billing notices the edge accepted for ads a DSP won: each must be forwarded to that DSP's burl. */
  dspBillingAccepted: number;
  expectedClicks: number;
  expectedConversions: number;
}

const kinds = (): Record<TrackerKind, number> => ({ billing: 0, impression: 0, click: 0, conversion: 0 });

/** The conversion pixel the exchange put on the landing URL (`edge_conv`), if any. */
export function conversionFrom(landingUrl: string): string | undefined {
  try {
    return new URL(landingUrl).searchParams.get('edge_conv') ?? undefined;
  } catch {
    return undefined;
  }
}

export interface UserSimulator {
  onWin(win: Win): void;
  drain(timeoutMs: number): Promise<void>;
  stats(): UserSimStats;
}

export function createUserSimulator(o: UserSimOptions): UserSimulator {
  const rng = createRng(o.seed).fork('users');
  const agent = new Agent({ connections: 16, keepAliveTimeout: 30_000 });
  const s: UserSimStats = {
    wins: 0,
    sent: kinds(),
    ok: kinds(),
    failed: kinds(),
    missingImpressionTracker: 0,
    missingClickTracker: 0,
    droppedOverLimit: 0,
    failures: {},
    impressionsCounted: 0,
    dspBillingAccepted: 0,
    expectedClicks: 0,
    expectedConversions: 0,
  };
  const timers = new Set<NodeJS.Timeout>();
  const inflight = new Set<Promise<void>>();
  let closed = false;

  const delay = (median: number) => Math.min(o.maxDelayMs, median * Math.exp(0.6 * rng.normal()));

  /** Calls a tracker; `onRedirect` gets the Location of a 3xx (the click's landing page). */
  const call = (
    kind: TrackerKind,
    url: string,
    onRedirect?: (location: string) => void,
    onOk?: () => void,
  ) => {
    if (!isLoopback(url)) return;
    s.sent[kind]++;
    const p = request(url, { dispatcher: agent, method: 'GET', headersTimeout: 5000, bodyTimeout: 5000 })
      .then(async (r) => {
        await r.body.dump();
        if (r.statusCode < 400) {
          s.ok[kind]++;
          onOk?.();
        } else {
          s.failed[kind]++;
          const k = `${kind} ${r.statusCode}`;
          s.failures[k] = (s.failures[k] ?? 0) + 1;
        }
        const location = r.headers.location;
        if (onRedirect && r.statusCode >= 300 && r.statusCode < 400 && typeof location === 'string')
          onRedirect(location);
      })
      .catch((err: { code?: string }) => {
        s.failed[kind]++;
        const k = `${kind} ${err.code ?? 'error'}`;
        s.failures[k] = (s.failures[k] ?? 0) + 1;
      })
      .finally(() => inflight.delete(p));
    inflight.add(p);
  };

  const later = (ms: number, fn: () => void) => {
    if (closed) return;
    if (timers.size >= o.maxPending) {
      s.droppedOverLimit++;
      return;
    }
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  return {
    onWin(win) {
      s.wins++;
      const trackers = extractTrackers(win.bid.adm);
      if (trackers.impressions.length === 0) s.missingImpressionTracker++;
      if (trackers.clicks.length === 0) s.missingClickTracker++;
      const truth = groundTruth(win.request.userId ?? 'anon', win.bid.crid ?? win.bid.id, o.model);
      s.expectedClicks += truth.pClick;
      s.expectedConversions += truth.pClick * truth.pConvert;
      const clicks = rng.chance(truth.pClick);
      const converts = clicks && rng.chance(truth.pConvert);
      let counted = false;
      const countImpression = () => {
        if (counted) return;
        counted = true;
        s.impressionsCounted++;
      };
      later(delay(o.renderMs), () => {
        const dspWin = o.isDspSeat?.(win.seat) ?? false;
        if (win.bid.burl)
          call('billing', win.bid.burl, undefined, () => {
            countImpression();
            if (dspWin) s.dspBillingAccepted++;
          });
        for (const url of trackers.impressions) call('impression', url, undefined, countImpression);
        const clickUrl = trackers.clicks[0];
        if (!clicks || !clickUrl) return;
        later(delay(o.clickMs), () => {
          // The landing page (not fetched: it is not on loopback) carries the exchange's signed
          // conversion pixel in `edge_conv`; the advertiser's page calls it when the user converts.
          call('click', clickUrl, (location) => {
            if (!converts) return;
            const conv =
              conversionFrom(location) ?? trackers.conversions[0] ?? o.conversionUrl?.(win, clickUrl);
            if (conv) later(delay(o.convertMs), () => call('conversion', conv));
          });
        });
      });
    },
    async drain(timeoutMs) {
      const until = Date.now() + timeoutMs;
      while ((timers.size > 0 || inflight.size > 0) && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 50));
      }
      closed = true;
      for (const t of timers) clearTimeout(t);
      s.droppedOverLimit += timers.size;
      timers.clear();
      await Promise.allSettled([...inflight]);
      await agent.close();
    },
    stats: () => structuredClone(s),
  };
}
