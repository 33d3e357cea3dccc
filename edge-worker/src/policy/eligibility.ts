// Which DSPs are asked: active, with a known adapter, buying at least one of the request's
// formats in its country, and under their QPS cap. The rest are recorded as 'filtered' with why.
import type { DspOutcome } from '@edge-rtb/shared/events';
import type { BidRequest } from '@edge-rtb/shared/openrtb/bid-request';
import type { AdFormat, DspConfig } from '@edge-rtb/shared/snapshot';
import { adapterFor } from '../adapters/registry.ts';
import type { QpsLimiter } from '../fanout/qps-limiter.ts';

/** The request's ad formats, each once, in a fixed order (banner, video, audio, native). */
export function formatsOf(req: BidRequest): AdFormat[] {
  // Flags, not a Set spread into an array: this runs a few times per auction, and the Set, its
  // iterator and the iterator's results were all garbage.
  let banner = false;
  let video = false;
  let audio = false;
  let native = false;
  for (const imp of req.imp) {
    if (imp.banner) banner = true;
    if (imp.video) video = true;
    if (imp.audio) audio = true;
    if (imp.native) native = true;
  }
  const out: AdFormat[] = [];
  if (banner) out.push('banner');
  if (video) out.push('video');
  if (audio) out.push('audio');
  if (native) out.push('native');
  return out;
}

export function countryOf(req: BidRequest): string | undefined {
  return req.device?.geo?.country ?? req.user?.geo?.country;
}

export function eligibleDsps(
  req: BidRequest,
  dsps: readonly DspConfig[],
  limiter: QpsLimiter,
): { eligible: DspConfig[]; filtered: DspOutcome[] } {
  const formats = formatsOf(req);
  const country = countryOf(req);
  const eligible: DspConfig[] = [];
  const filtered: DspOutcome[] = [];
  for (const dsp of dsps) {
    if (dsp.status !== 'active') continue; // paused partners are not part of the auction at all
    let reason: string | undefined;
    if (!adapterFor(dsp.adapter)) reason = 'unknown_adapter';
    else if (!overlaps(formats, dsp.formats)) reason = 'format';
    else if (dsp.countries.length > 0 && (!country || !dsp.countries.includes(country))) reason = 'geo';
    else if (!limiter.take(dsp.id, dsp.qpsCap)) reason = 'qps_cap';
    if (reason === undefined) eligible.push(dsp);
    else filtered.push({ dspId: dsp.id, latencyMs: 0, outcome: 'filtered', bids: 0, reason });
  }
  return { eligible, filtered };
}

/** Whether the lists share an item (a loop, not a callback made per call). */
export function overlaps(a: readonly string[], b: readonly string[]): boolean {
  for (const x of a) if (b.includes(x)) return true;
  return false;
}
