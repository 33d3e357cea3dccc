// The only module that talks to DSPs: per DSP it asks the adapter for the calls, honours the
// circuit breaker, sends them in parallel (gzip where the DSP accepts it) under one deadline
// (AbortSignal), and hands the answers back to the adapter. Every DSP ends with exactly one
// recorded outcome; nothing here throws.
import type { DspOutcome } from '@edge-rtb/shared/events';
import { type BidRequest, impById } from '@edge-rtb/shared/openrtb/bid-request';
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
  // One auction's shared state, passed to module-level functions rather than captured by
  // closures made per auction: workerd's full GCs drop the optimized code of closures not alive
  // at that moment, to be recompiled after each one (docs/benchmarks.md, "Session 5").
  const run: FanOutRun = {
    deadlineAt,
    deps,
    cap: deps.maxAnswerBytes ?? MAX_DSP_ANSWER_BYTES,
    bodies: new Map(),
    timers: new Map(),
  };
  const pending: Promise<DspResult>[] = [];
  for (const call of calls) pending.push(callDsp(call, run));
  return Promise.all(pending).finally(() => clearTimers(run));
}

interface FanOutRun {
  deadlineAt: number;
  deps: FanOutDeps;
  cap: number;
  /**
   * DSPs that get the same request object (same privacy decision, plain OpenRTB) share one
   * serialisation; JSON.stringify of a request is the largest CPU item of a call. A Map, not a
   * WeakMap: it dies with the auction anyway, and a weak table costs every GC that meets it.
   */
  bodies: Map<object, string>;
  /**
   * DSPs with the same time budget share one timer: usually all of them (the auction deadline).
   * The timers are cleared once every call is done: a pending AbortSignal.timeout() kept each
   * auction's signal and its listeners alive until the deadline (~tmax after the answer) and then
   * fired into the isolate for nothing.
   */
  timers: Map<number, { signal: AbortSignal; timer: ReturnType<typeof setTimeout> }>;
}

function encode(run: FanOutRun, body: unknown): string {
  if (typeof body !== 'object' || body === null) return JSON.stringify(body);
  let text = run.bodies.get(body);
  if (text === undefined) {
    text = JSON.stringify(body);
    run.bodies.set(body, text);
  }
  return text;
}

function signalFor(run: FanOutRun, ms: number): AbortSignal {
  let t = run.timers.get(ms);
  if (!t) {
    const controller = new AbortController();
    const timer = setTimeout(abortOnDeadline, ms, controller);
    t = { signal: controller.signal, timer };
    run.timers.set(ms, t);
  }
  return t.signal;
}

function abortOnDeadline(controller: AbortController): void {
  controller.abort(new DOMException('deadline passed', 'TimeoutError'));
}

function clearTimers(run: FanOutRun): void {
  for (const t of run.timers.values()) clearTimeout(t.timer);
}

/** One DSP call's own state, what every way it can end reports. */
interface CallState {
  dsp: DspConfig;
  started: number;
  now: () => number;
  dropped: DspResult['dropped'];
}

function result(
  call: CallState,
  outcome: DspOutcome['outcome'],
  bids: AdapterBid[] = [],
  reason?: string,
): DspResult {
  return {
    dsp: call.dsp,
    outcome,
    latencyMs: call.now() - call.started,
    bids,
    dropped: call.dropped,
    reason,
  };
}

async function callDsp({ dsp, request }: DspCall, run: FanOutRun): Promise<DspResult> {
  const deps = run.deps;
  const now = deps.now ?? Date.now;
  const started = now();
  const dropped: DspResult['dropped'] = [];
  const call: CallState = { dsp, started, now, dropped };
  const adapter = adapterFor(dsp.adapter);
  if (!adapter) return result(call, 'error', [], `unknown adapter ${dsp.adapter}`);
  const budgetMs = Math.min(run.deadlineAt - started, dsp.timeoutMs);
  if (budgetMs <= 0) return result(call, 'timeout', [], 'no time left');

  let made: ReturnType<typeof adapter.makeRequests>;
  try {
    made = adapter.makeRequests(request, { dsp });
  } catch (e) {
    return result(call, 'error', [], `adapter failed: ${message(e)}`);
  }
  if (made.requests.length === 0)
    return result(call, 'filtered', [], made.errors[0]?.message ?? 'adapter sent nothing');
  // Asked last, so a half-open probe slot is only taken by a call that really goes out.
  if (!deps.breakers.allow(dsp.id)) return result(call, 'circuit_open', [], 'circuit open');

  const signal = signalFor(run, budgetMs);
  // Nearly every partner takes one request per auction: no Promise.all (and its allocations) then.
  let answers: Answer[];
  if (made.requests.length === 1) answers = [await send(made.requests[0]!, dsp.gzip, signal, run)];
  else {
    const sending: Promise<Answer>[] = [];
    for (const r of made.requests) sending.push(send(r, dsp.gzip, signal, run));
    answers = await Promise.all(sending);
  }
  const bids: AdapterBid[] = [];
  const problems: string[] = [];
  for (const e of made.errors) problems.push(e.message);
  let timeouts = 0;
  let failures = 0;
  for (let i = 0; i < answers.length; i++) {
    const a = answers[i]!;
    const sent = made.requests[i]!;
    if (a.kind === 'timeout') timeouts++;
    // An oversized answer is the DSP misbehaving, not failing: 'invalid', breaker untouched.
    if (a.kind === 'error') failures++;
    if (a.kind !== 'ok') {
      problems.push(a.message);
      continue;
    }
    if (a.status >= 500) failures++;
    try {
      const got = adapter.makeBids(request, sent, { status: a.status, body: a.body });
      for (const e of got.errors) problems.push(e.message);
      for (const b of got.bids) {
        // A bid for an imp of the request but not of this call (split partners) is a partner
        // bug; one for an imp nowhere in the request is left to shared validation to reject.
        if (!impById(request, b.bid.impid) || sent.impIds.includes(b.bid.impid)) bids.push(b);
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
  }

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
  if (bids.length > 0) return result(call, 'bid', bids, reason);
  if (timeouts > 0) return result(call, 'timeout', [], reason ?? 'deadline passed');
  if (failures > 0) return result(call, 'error', [], reason);
  if (problems.length > 0) return result(call, 'invalid', [], reason);
  return result(call, 'nobid');
}

type Answer =
  | { kind: 'ok'; status: number; body: string }
  | { kind: 'timeout'; message: string }
  | { kind: 'error'; message: string }
  | { kind: 'refused'; message: string };

async function send(r: OutgoingRequest, gzip: boolean, signal: AbortSignal, run: FanOutRun): Promise<Answer> {
  const cap = run.cap;
  try {
    const json = encode(run, r.body);
    // The adapter's record goes to fetch as it is when it already says what the fan-out would (the
    // adapters ask for gzip answers, and send gzip only when told): a record is the runtime's
    // cheapest header form. Otherwise a Headers object from it, never pairs: the runtime reads a
    // pair list through the iterator protocol (an iterator and a result object per step), and a
    // spread copy's hidden class would die with the request and take optimized code along at the
    // next full GC. The encodings are the fan-out's to set, whatever an adapter says.
    let headers: HeadersInit = r.headers;
    let body: BodyInit = json;
    if (gzip || r.headers['accept-encoding'] !== 'gzip' || r.headers['content-encoding'] !== undefined) {
      const h = new Headers(r.headers);
      h.set('accept-encoding', 'gzip');
      h.delete('content-encoding');
      if (gzip) {
        body = await new Response(
          new Blob([json]).stream().pipeThrough(new CompressionStream('gzip')),
        ).arrayBuffer();
        h.set('content-encoding', 'gzip');
      }
      headers = h;
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
