// Pure validation of v1 events (Web APIs only: runs at the edge before sending and in the
// core on ingest). Hand-written rather than zod because shared/ has no dependencies; each
// field rule is one line so the schema reads like the types in ../events.ts.
import type { EventBatch, EventType, RtbEvent } from '../events.ts';
import { EVENT_SCHEMA_VERSION, EVENT_TYPES, LURL_MAX_LENGTH } from '../events.ts';

export interface EventError {
  /** Index of the event in the batch (-1 for the batch itself). */
  index: number;
  /** Event id when it was readable, to let the sender match errors to events. */
  id?: string;
  /** Dotted path, e.g. `events.3.clearingCpmMicros`. */
  field: string;
  reason: string;
}

export type BatchResult = { ok: true; batch: EventBatch } | { ok: false; errors: EventError[] };

/** Largest batch the core accepts in one request; the edge sends smaller ones. */
export const MAX_BATCH_EVENTS = 10_000;
const MAX_STRING = 512;
const MAX_ID = 256;

type Check = (v: unknown) => string | null;
const str: Check = (v) =>
  typeof v !== 'string' ? 'must be a string' : v.length > MAX_STRING ? `longer than ${MAX_STRING}` : null;
const id: Check = (v) =>
  typeof v !== 'string' || v.length === 0
    ? 'must be a non-empty string'
    : v.length > MAX_ID
      ? `longer than ${MAX_ID}`
      : null;
const micros: Check = (v) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? null : 'must be integer micros >= 0';
const count: Check = (v) =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 2 ** 31 ? null : 'must be an integer >= 0';
const ms: Check = (v) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? null : 'must be a number >= 0';
const bool: Check = (v) => (typeof v === 'boolean' ? null : 'must be a boolean');
const oneOf =
  (...values: string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v) ? null : `must be one of ${values.join(', ')}`;
const httpUrl: Check = (v) =>
  typeof v !== 'string' || !/^https?:\/\//i.test(v)
    ? 'must be an http(s) URL'
    : v.length > LURL_MAX_LENGTH
      ? `longer than ${LURL_MAX_LENGTH}`
      : null;
const strings: Check = (v) =>
  Array.isArray(v) && v.every((s) => str(s) === null) ? null : 'must be an array of strings';

type Rules = Record<string, [Check, 'req' | 'opt']>;
const R = (c: Check): [Check, 'req'] => [c, 'req'];
const O = (c: Check): [Check, 'opt'] => [c, 'opt'];

const bidder: Rules = {
  impId: R(id),
  bidId: R(id),
  bidderKind: R(oneOf('dsp', 'campaign')),
  bidderId: R(id),
};
const tracker: Rules = {
  ...bidder,
  campaignId: O(id),
  crid: O(str),
  amountMicros: R(micros),
  leaseId: O(id),
};

const RULES: Record<EventType, Rules> = {
  auction: {
    sspId: R(id),
    publisherId: O(str),
    impCount: R(count),
    formats: R(strings),
    country: O(str),
    deviceType: O(count),
    tmaxMs: R(ms),
    durationMs: R(ms),
    noBidReason: O(str),
    // dsps and privacy are checked below (nested)
  },
  bid: {
    ...bidder,
    crid: R(str),
    priceCpmMicros: R(micros),
    dealId: O(str),
    status: R(oneOf('accepted', 'rejected')),
    reason: O(str),
  },
  win: {
    ...bidder,
    campaignId: O(id),
    crid: R(str),
    clearingCpmMicros: R(micros),
    bidCpmMicros: R(micros),
    takeRateBps: R(count),
    dealId: O(str),
    leaseId: O(id),
  },
  loss: { ...bidder, reason: R(str), winningCpmMicros: O(micros), lurl: O(httpUrl) },
  impression: tracker,
  click: tracker,
  conversion: tracker,
  lease: {
    campaignId: R(id),
    leaseId: R(id),
    action: R(oneOf('granted', 'settled', 'expired')),
    amountMicros: R(micros),
    spentMicros: O(micros),
  },
};

const DSP_RULES: Rules = {
  dspId: R(id),
  latencyMs: R(ms),
  outcome: R(oneOf('bid', 'nobid', 'timeout', 'error', 'invalid', 'circuit_open', 'filtered')),
  bids: R(count),
  reason: O(str),
};
const PRIVACY_RULES: Rules = { gdpr: R(bool), consent: R(bool), coppa: R(bool), usOptOut: R(bool) };
const BASE_RULES: Rules = { id: R(id), ts: R(ms), auctionId: R(id), pop: O(str) };

function checkFields(obj: Record<string, unknown>, rules: Rules, path: string, out: string[][]): void {
  for (const [name, [check, need]] of Object.entries(rules)) {
    const v = obj[name];
    if (v === undefined || v === null) {
      if (need === 'req') out.push([`${path}${name}`, 'is required']);
      continue;
    }
    const reason = check(v);
    if (reason) out.push([`${path}${name}`, reason]);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks one event; returns [field, reason] pairs (empty when valid). Unknown fields are allowed (additive changes). */
export function validateEvent(e: unknown): Array<{ field: string; reason: string }> {
  if (!isObject(e)) return [{ field: '', reason: 'must be an object' }];
  const out: string[][] = [];
  if (e.v !== EVENT_SCHEMA_VERSION) out.push(['v', `must be ${EVENT_SCHEMA_VERSION} (schema version)`]);
  if (!EVENT_TYPES.includes(e.type as EventType)) {
    out.push(['type', `must be one of ${EVENT_TYPES.join(', ')}`]);
    return out.map(([field, reason]) => ({ field: field!, reason: reason! }));
  }
  const type = e.type as EventType;
  checkFields(e, BASE_RULES, '', out);
  checkFields(e, RULES[type], '', out);
  if (type === 'auction') {
    if (!Array.isArray(e.dsps)) out.push(['dsps', 'must be an array']);
    else
      e.dsps.forEach((d, i) => {
        if (isObject(d)) checkFields(d, DSP_RULES, `dsps.${i}.`, out);
        else out.push([`dsps.${i}`, 'must be an object']);
      });
    if (!isObject(e.privacy)) out.push(['privacy', 'must be an object']);
    else checkFields(e.privacy, PRIVACY_RULES, 'privacy.', out);
  }
  return out.map(([field, reason]) => ({ field: field!, reason: reason! }));
}

/** Validates a POST /v1/events body: all events valid or none accepted, with every reason. */
export function parseEventBatch(body: unknown): BatchResult {
  if (!isObject(body) || !Array.isArray(body.events))
    return { ok: false, errors: [{ index: -1, field: 'events', reason: 'body must be {"events": [...]}' }] };
  const events = body.events;
  if (events.length === 0)
    return { ok: false, errors: [{ index: -1, field: 'events', reason: 'must not be empty' }] };
  if (events.length > MAX_BATCH_EVENTS)
    return {
      ok: false,
      errors: [{ index: -1, field: 'events', reason: `at most ${MAX_BATCH_EVENTS} events` }],
    };
  const errors: EventError[] = [];
  // Stop at 100 reasons: enough to fix the sender, and the answer stays small.
  for (let index = 0; index < events.length && errors.length < 100; index++) {
    const e = events[index];
    const eid = isObject(e) && typeof e.id === 'string' ? e.id : undefined;
    for (const { field, reason } of validateEvent(e)) {
      errors.push({
        index,
        ...(eid ? { id: eid } : {}),
        field: `events.${index}${field ? `.${field}` : ''}`,
        reason,
      });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, batch: { events: events as RtbEvent[] } };
}
