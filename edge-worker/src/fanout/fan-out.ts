// The only module that talks to DSPs: per DSP it asks the adapter for the calls, honours the
// circuit breaker, sends them in parallel (gzip where the DSP accepts it) under one deadline
// (AbortSignal), and hands the answers back to the adapter. Every DSP ends with exactly one
// recorded outcome; nothing here throws.
import type { DspOutcome } from '@edge-rtb/shared/events';
import type { BidRequest } from '@edge-rtb/shared/openrtb/bid-request';
import type { DspConfig } from '@edge-rtb/shared/snapshot';
import { adapterFor } from '../adapters/registry.ts';
import type { AdapterBid, OutgoingRequest } from '../adapters/types.ts';
import { cappedText } from '../capped-body.ts';
import type { CircuitBreakers } from './circuit-breaker.ts';

export interface DspCall {
  dsp: DspConfig;
  /** The request as this DSP may see it (privacy-scrubbed copy). */
  request: BidRequest;
}

export interface DspResult {
  dsp: DspConfig;
  outcome: DspOutcome['outcome'];
  latencyMs: number;
  bids: AdapterBid[];
  /** Bids fan-out itself refused (answering for an imp the call did not carry). */
  dropped: Array<{ bidId: string; impId: string; reason: string }>;
  /** Why the outcome is not 'bid' or why some answers were dropped. */
  reason?: string;
}

export interface FanOutDeps {
  breakers: CircuitBreakers;
  now?: () => number;
  /** Largest DSP answer taken, in bytes once inflated (default MAX_DSP_ANSWER_BYTES). */
  maxAnswerBytes?: number;
}

/**
 * 1 MiB: a BidResponse with VAST markup for a few imps is tens of KB; past this an answer is
 * refused unread (or as soon as it passes the cap), so one DSP cannot fill the isolate's memory.
 */
export const MAX_DSP_ANSWER_BYTES = 1024 * 1024;

export function fanOut(calls: DspCall[], deadlineAt: number, deps: FanOutDeps): Promise<DspResult[]> {
  // DSPs that get the same request object (same privacy decision, plain OpenRTB) share one
  // serialisation; JSON.stringify of a request is the largest CPU item of a call.
  const bodies = new WeakMap<object, string>();
  const encode = (body: unknown): string => {
    if (typeof body !== 'object' || body === null) return JSON.stringify(body);
    let text = bodies.get(body);
    if (text === undefined) {
      text = JSON.stringify(body);
      bodies.set(body, text);
    }
    return text;
  };
  // DSPs with the same time budget share one timer: usually all of them (the auction deadline).
  // The timers are cleared once every call is done: a pending AbortSignal.timeout() kept each
  // auction's signal and its listeners alive until the deadline (~tmax after the answer) and then
  // fired into the isolate for nothing. (It is not what fills V8's old generation: GC traces show
  // the runtime's own request and fetch wrappers do, at the same rate for the bare fan-out.)
  const timers = new Map<number, { signal: AbortSignal; timer: ReturnType<typeof setTimeout> }>();
  const signalFor = (ms: number) => {
    let t = timers.get(ms);
    if (!t) {
      const controller = new AbortController();
      const timer = setTimeout(
        () => controller.abort(new DOMException('deadline passed', 'TimeoutError')),
        ms,
      );
      t = { signal: controller.signal, timer };
      timers.set(ms, t);
    }
    return t.signal;
  };
  return Promise.all(calls.map((call) => callDsp(call, deadlineAt, deps, signalFor, encode))).finally(() => {
    for (const t of timers.values()) clearTimeout(t.timer);
  });
}

async function callDsp(
  { dsp, request }: DspCall,
  deadlineAt: number,
  deps: FanOutDeps,
  signalFor: (ms: number) => AbortSignal,
  encode: (body: unknown) => string,
): Promise<DspResult> {
  const now = deps.now ?? Date.now;
  const started = now();
  const dropped: DspResult['dropped'] = [];
  const done = (outcome: DspOutcome['outcome'], bids: AdapterBid[] = [], reason?: string): DspResult => ({
    dsp,
    outcome,
    latencyMs: now() - started,
    bids,
    dropped,
    ...(reason === undefined ? {} : { reason }),
  });
  const adapter = adapterFor(dsp.adapter);
  if (!adapter) return done('error', [], `unknown adapter ${dsp.adapter}`);
  const budgetMs = Math.min(deadlineAt - started, dsp.timeoutMs);
  if (budgetMs <= 0) return done('timeout', [], 'no time left');

  let made: ReturnType<typeof adapter.makeRequests>;
  try {
    made = adapter.makeRequests(request, { dsp });
  } catch (e) {
    return done('error', [], `adapter failed: ${message(e)}`);
  }
  if (made.requests.length === 0)
    return done('filtered', [], made.errors[0]?.message ?? 'adapter sent nothing');
  // Asked last, so a half-open probe slot is only taken by a call that really goes out.
  if (!deps.breakers.allow(dsp.id)) return done('circuit_open', [], 'circuit open');

  const signal = signalFor(budgetMs);
  const cap = deps.maxAnswerBytes ?? MAX_DSP_ANSWER_BYTES;
  const answers = await Promise.all(made.requests.map((r) => send(r, dsp.gzip, signal, encode, cap)));
  const bids: AdapterBid[] = [];
  const problems: string[] = made.errors.map((e) => e.message);
  let timeouts = 0;
  let failures = 0;
  answers.forEach((a, i) => {
    const sent = made.requests[i]!;
    if (a.kind === 'timeout') timeouts++;
    // An oversized answer is the DSP misbehaving, not failing: 'invalid', breaker untouched.
    if (a.kind === 'error') failures++;
    if (a.kind !== 'ok') {
      problems.push(a.message);
      return;
    }
    if (a.status >= 500) failures++;
    try {
      const got = adapter.makeBids(request, sent, { status: a.status, body: a.body });
      problems.push(...got.errors.map((e) => e.message));
      for (const b of got.bids) {
        // A bid for an imp of the request but not of this call (split partners) is a partner
        // bug; one for an imp nowhere in the request is left to shared validation to reject.
        const inRequest = request.imp.some((i) => i.id === b.bid.impid);
        if (!inRequest || sent.impIds.includes(b.bid.impid)) bids.push(b);
        else
          dropped.push({
            bidId: String(b.bid.id),
            impId: String(b.bid.impid),
            reason: `3:not_in_call:imp ${String(b.bid.impid)} was not in this call`,
          });
      }
    } catch (e) {
      problems.push(`adapter failed: ${message(e)}`);
    }
  });

  // Server failures, and timeouts of the DSP's own limit, count against its breaker; missing
  // only the auction's tighter deadline is lateness, not breakage; an answer, even bad, is life.
  const ownLimit = budgetMs >= dsp.timeoutMs;
  // When the answers are only seen long after the timer should have fired, this isolate was
  // too busy to read them (event-loop lag): the DSP cannot be blamed for that.
  const lagged = timeouts > 0 && now() - started > budgetMs * 1.5 + 20;
  if (failures > 0 || (timeouts > 0 && ownLimit && !lagged)) deps.breakers.failure(dsp.id);
  else if (timeouts === 0) deps.breakers.success(dsp.id);
  else deps.breakers.late(dsp.id);

  const reason = problems.length > 0 ? problems.slice(0, 3).join('; ') : undefined;
  if (bids.length > 0) return done('bid', bids, reason);
  if (timeouts > 0) return done('timeout', [], reason ?? 'deadline passed');
  if (failures > 0) return done('error', [], reason);
  if (problems.length > 0) return done('invalid', [], reason);
  return done('nobid');
}

type Answer =
  | { kind: 'ok'; status: number; body: string }
  | { kind: 'timeout'; message: string }
  | { kind: 'error'; message: string }
  | { kind: 'refused'; message: string };

async function send(
  r: OutgoingRequest,
  gzip: boolean,
  signal: AbortSignal,
  encode: (body: unknown) => string,
  cap: number,
): Promise<Answer> {
  try {
    const json = encode(r.body);
    const headers: Record<string, string> = { ...r.headers, 'accept-encoding': 'gzip' };
    let body: BodyInit = json;
    if (gzip) {
      body = await new Response(
        new Blob([json]).stream().pipeThrough(new CompressionStream('gzip')),
      ).arrayBuffer();
      headers['content-encoding'] = 'gzip';
    }
    const res = await fetch(r.url, { method: r.method, headers, body, signal });
    // The body read is under the same signal: a DSP trickling bytes past the deadline is late.
    const text = res.status === 204 ? '' : await cappedText(res, cap, { chunked: 'native' });
    if (text === 'too_large') return { kind: 'refused', message: `answer over the ${cap}-byte cap` };
    if (text === 'corrupt')
      return signal.aborted
        ? { kind: 'timeout', message: 'deadline passed' }
        : { kind: 'error', message: 'answer body could not be read' };
    return { kind: 'ok', status: res.status, body: text };
  } catch (e) {
    if (signal.aborted) return { kind: 'timeout', message: 'deadline passed' };
    return { kind: 'error', message: `transport: ${message(e)}` };
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
