// Property/fuzz tests: whatever the body, parseBidRequest returns ok or a non-empty list of
// well-formed errors, and never throws.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runAuction } from '../auction/run.ts';
import { decidePrivacy } from '../privacy/decide.ts';
import { scrubRequest } from '../privacy/scrub.ts';
import { readPrivacySignals } from '../privacy/signals.ts';
import { REQUEST_ERROR_CODES } from './errors.ts';
import { parseBidRequest } from './parse.ts';
import { parseBidResponse } from './parse-response.ts';
import { exampleFiles, type Json, minimalRequest } from './test-helpers.ts';

function wellFormed(body: string): void {
  let r: ReturnType<typeof parseBidRequest> | undefined;
  expect(() => {
    r = parseBidRequest(body);
  }).not.toThrow();
  if (r?.ok) downstream(r.value.request);
  if (!r || r.ok) return;
  expect(r.error.length).toBeGreaterThan(0);
  expect(r.error.length).toBeLessThanOrEqual(50);
  for (const e of r.error) {
    expect(REQUEST_ERROR_CODES).toContain(e.code);
    expect(typeof e.field).toBe('string');
    expect(e.message.length).toBeGreaterThan(0);
  }
}

/** Whatever the parser accepts, privacy and the auction must handle without throwing. */
function downstream(request: Json): void {
  const d = decidePrivacy(readPrivacySignals(request), { gvlVendorId: 1, tcfPurposes: [1, 2] });
  scrubRequest(request, { ...d, userIds: false, deviceIds: false, preciseGeo: false, fullIp: false });
  const imp = request.imp[0];
  const dealid = imp.pmp?.deals?.[0]?.id;
  runAuction({
    request,
    bids: [
      {
        bidderKind: 'dsp',
        bidderId: 'd',
        seat: 's',
        priceCpmMicros: 5_000_000,
        cur: 'USD',
        bid: { id: 'b', impid: imp.id, price: 5, crid: 'c', ...(dealid ? { dealid } : {}) },
      },
    ],
    snapshot: {
      exchange: {
        asi: 'x',
        currency: 'USD',
        secondPriceIncrementCpmMicros: 10_000,
        tmaxMarginMs: 10,
        defaultTmaxMs: 100,
      },
      currencyRates: { USD: 1, EUR: 1.1 },
      deals: [],
    },
    ssp: { floorCpmMicros: 0, takeRateBps: 1000 },
  });
}

const seeds: Json[] = [minimalRequest(), ...exampleFiles('bid-requests').map((f) => JSON.parse(f.text))];

/** Replace the value at a random path of `o` with `v` (a structural mutation). */
function mutate(o: Json, pathSeed: number[], v: unknown): Json {
  const copy = structuredClone(o);
  let node = copy;
  for (let i = 0; i < pathSeed.length; i++) {
    if (node === null || typeof node !== 'object') break;
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const k = keys[(pathSeed[i] as number) % keys.length] as string;
    if (i === pathSeed.length - 1 || node[k] === null || typeof node[k] !== 'object') {
      node[k] = v;
      break;
    }
    node = node[k];
  }
  return copy;
}

describe('parseBidRequest never throws', () => {
  it('on random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (s) => wellFormed(s)),
      { numRuns: 500 },
    );
  });
  it('on random JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => wellFormed(JSON.stringify(v) ?? 'null')),
      {
        numRuns: 500,
      },
    );
  });
  it('on mutated valid requests', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
        fc.jsonValue({ maxDepth: 3 }),
        (seed, path, v) => wellFormed(JSON.stringify(mutate(seed, path, v))),
      ),
      { numRuns: 3000 },
    );
  });
  it('on deep nesting anywhere, and on truncated bodies', () => {
    fc.assert(
      fc.property(fc.integer({ min: 30, max: 5000 }), fc.constantFrom('[', '{"a":'), (depth, open) => {
        const close = open === '[' ? ']' : '}';
        wellFormed(`{"id":"x","imp":${open.repeat(depth)}1${close.repeat(depth)}}`);
      }),
    );
    const text = JSON.stringify(seeds[0]);
    for (let i = 0; i < text.length; i++) wellFormed(text.slice(0, i));
  });
  it('prototype keys stay inert', () => {
    const r = parseBidRequest(
      '{"id":"x","__proto__":{"polluted":1},"imp":[{"id":"1","banner":{"w":1,"h":1}}],"site":{}}',
    );
    expect(r.ok).toBe(true);
    expect(({} as Json).polluted).toBeUndefined();
  });
});

describe('parseBidResponse never throws', () => {
  const req = (() => {
    const r = parseBidRequest(JSON.stringify(minimalRequest()));
    if (!r.ok) throw new Error('fixture');
    return r.value.request;
  })();
  it('on random JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        expect(() => parseBidResponse(JSON.stringify(v) ?? '', req)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});
