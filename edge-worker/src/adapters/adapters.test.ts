/// <reference types="vite/client" />
// The one runner for every adapter's JSON fixtures (STYLE rule 6). Each fixture: the incoming
// request (run through parseBidRequest first, as the edge does), the exact HTTP calls expected,
// canned responses, and the expected bids and errors. The runner also checks what every adapter
// owes: lower-case header names, no null bids, every bid.impid names an imp of its call,
// exemplary fixtures have no errors, and garbage bodies give errors, never throws.
import { parseBidRequest } from '@edge-rtb/shared/openrtb/parse';
import type { DspConfig } from '@edge-rtb/shared/snapshot';
import { describe, expect, it } from 'vitest';
import { ADAPTERS } from './registry.ts';
import type { AdapterBid, AdapterError, OutgoingRequest } from './types.ts';

interface Fixture {
  description: string;
  exemplary: boolean;
  dsp: Partial<DspConfig>;
  request: unknown;
  expectedRequests: Array<Omit<OutgoingRequest, 'method'>>;
  responses: Array<{ status: number; body: unknown }>;
  expectedBids: AdapterBid[];
  expectedErrors: Array<Pick<AdapterError, 'code'>>;
}

const files = import.meta.glob<Fixture>('./*/fixtures/*.json', { eager: true, import: 'default' });

const dspOf = (over: Partial<DspConfig>): DspConfig => ({
  id: 'dsp',
  name: 'dsp',
  status: 'active',
  endpoint: 'https://dsp.example/',
  adapter: 'generic',
  timeoutMs: 100,
  qpsCap: 0,
  formats: ['banner', 'video', 'audio', 'native'],
  countries: [],
  tcfPurposes: [],
  gzip: false,
  openrtbVersion: '2.6',
  ...over,
});

describe('adapter fixtures', () => {
  it('every registered adapter has at least one exemplary fixture', () => {
    for (const name of Object.keys(ADAPTERS)) {
      const mine = Object.entries(files).filter(([p]) => p.startsWith(`./${name}/`));
      expect(
        mine.some(([, f]) => f.exemplary),
        name,
      ).toBe(true);
    }
  });

  for (const [path, fx] of Object.entries(files)) {
    const name = path.split('/')[1]!;
    it(`${name}: ${fx.description}`, () => {
      const adapter = ADAPTERS[name];
      expect(adapter, `no adapter registered as ${name}`).toBeDefined();
      const parsed = parseBidRequest(JSON.stringify(fx.request));
      if (!parsed.ok) throw new Error(`fixture request invalid: ${JSON.stringify(parsed.error)}`);
      const request = parsed.value.request;
      const dsp = dspOf({ adapter: name, ...fx.dsp });
      const made = adapter!.makeRequests(request, { dsp });
      expect(made.requests.map(({ method: _m, ...r }) => JSON.parse(JSON.stringify(r)))).toEqual(
        fx.expectedRequests,
      );
      expect(made.requests.every((r) => r.method === 'POST')).toBe(true);
      // Header names in lower case, so fan-out can see at once that a record needs no correction.
      for (const r of made.requests)
        for (const k of Object.keys(r.headers)) expect(k, 'header name').toBe(k.toLowerCase());

      const bids: AdapterBid[] = [];
      const errors: AdapterError[] = [...made.errors];
      made.requests.forEach((sent, i) => {
        const r = fx.responses[i]!;
        const body = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
        const got = adapter!.makeBids(request, sent, { status: r.status, body });
        for (const b of got.bids) {
          expect(b).toBeTruthy();
          expect(b.bid).toBeTruthy();
          expect(sent.impIds).toContain(b.bid.impid);
        }
        bids.push(...got.bids);
        errors.push(...got.errors);
        // Whatever the partner sends, the adapter answers with errors, never an exception.
        for (const junk of ['', 'null', '[]', '{"seatbid":7}', '{"bids":{}}', '\u0000', '{"a":'])
          expect(() => adapter!.makeBids(request, sent, { status: 200, body: junk })).not.toThrow();
      });
      expect(bids).toEqual(fx.expectedBids);
      expect(errors.map((e) => ({ code: e.code }))).toEqual(fx.expectedErrors);
      if (fx.exemplary) expect(errors).toEqual([]);
    });
  }
});
