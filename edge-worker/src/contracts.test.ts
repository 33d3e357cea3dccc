// Type tests (checked by tsc, trivially true at run time) on the contracts others build on:
// every registered adapter satisfies the Adapter pair, and the Env the worker is typed with.
import { describe, expectTypeOf, it } from 'vitest';
import { ADAPTERS } from './adapters/registry.ts';
import type { Adapter, AdapterBid, OutgoingRequest } from './adapters/types.ts';
import type { Bindings, EdgeEnv } from './env.ts';

describe('contracts', () => {
  it('adapters are pure pairs returning values, never promises', () => {
    expectTypeOf(ADAPTERS).toEqualTypeOf<Readonly<Record<string, Adapter>>>();
    expectTypeOf<ReturnType<Adapter['makeRequests']>>().toEqualTypeOf<{
      requests: OutgoingRequest[];
      errors: { code: 'bad_input' | 'bad_status' | 'bad_response' | 'unsupported'; message: string }[];
    }>();
    expectTypeOf<ReturnType<Adapter['makeBids']>['bids']>().toEqualTypeOf<AdapterBid[]>();
  });

  it('the one Env: secrets are strings, the ledger is a Durable Object namespace', () => {
    expectTypeOf<EdgeEnv>().toEqualTypeOf<{ Bindings: Bindings }>();
    expectTypeOf<Bindings['EDGE_TOKEN']>().toBeString();
    expectTypeOf<Bindings['NOTICE_KEYS']>().toBeString();
    expectTypeOf<Bindings['NOTICE_LEDGER']>().toMatchTypeOf<DurableObjectNamespace>();
  });
});
