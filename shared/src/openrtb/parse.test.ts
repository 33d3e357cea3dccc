import { describe, expect, it } from 'vitest';
import { parseBidRequest } from './parse.ts';
import { exampleFiles, examplesPresent, type Json, minimalRequest } from './test-helpers.ts';

const parse = (o: Json) => parseBidRequest(JSON.stringify(o));
const errorsOf = (o: Json) => {
  const r = parse(o);
  if (r.ok) throw new Error('expected errors');
  return r.error;
};
const fields = (o: Json) => errorsOf(o).map((e) => `${e.code}:${e.field}`);

describe('parseBidRequest: IAB examples (3.2.1)', () => {
  // ../shared sits beside the checkout in CI; without it the case is reported as skipped, not empty.
  if (!examplesPresent) it.skip('accepts the IAB examples (../shared/openrtb-examples absent)', () => {});
  else
    it.each(exampleFiles('bid-requests'))('accepts $name', ({ text }) => {
      const r = parseBidRequest(text);
      expect(r.ok ? [] : r.error).toEqual([]);
    });
});

describe('parseBidRequest: body checks', () => {
  it('rejects bad JSON with a code, never throws', () => {
    const r = parseBidRequest('{"id":');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error[0]?.code).toBe('invalid_json');
  });
  it('rejects deep nesting before JSON.parse', () => {
    const r = parseBidRequest(`${'['.repeat(150000)}${']'.repeat(150000)}`);
    expect(!r.ok && r.error[0]?.code).toBe('too_large');
    const deep = `{"id":"x","ext":${'['.repeat(40)}${']'.repeat(40)}}`;
    const d = parseBidRequest(deep);
    expect(!d.ok && d.error[0]?.code).toBe('too_deep');
  });
  it('ignores brackets inside strings when measuring depth', () => {
    const o = minimalRequest();
    o.site.name = '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["\\\\';
    expect(parse(o).ok).toBe(true);
  });
  it('rejects a non-object body', () => {
    expect(fields([1, 2])).toEqual(['wrong_type:$']);
  });
});

describe('parseBidRequest: BidRequest (3.2.1)', () => {
  it('accepts a minimal request and fills defaults', () => {
    const r = parse(minimalRequest());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.request.at).toBe(2);
    expect(r.value.request.imp[0]?.bidfloor).toBe(0);
    expect(r.value.request.imp[0]?.bidfloorcur).toBe('USD');
  });
  it('requires id and a non-empty imp array', () => {
    const o = minimalRequest();
    delete o.id;
    o.imp = [];
    expect(fields(o)).toEqual(['missing:id', 'missing:imp']);
  });
  it('requires exactly one of site/app/dooh', () => {
    const o = minimalRequest();
    o.app = { bundle: 'com.x' };
    expect(fields(o)).toContain('conflict:app');
    delete o.app;
    delete o.site;
    expect(fields(o)).toContain('missing:site');
  });
  it('checks at and tmax', () => {
    const o = minimalRequest();
    o.at = 3;
    o.tmax = -5;
    expect(fields(o)).toEqual(['invalid_value:at', 'invalid_value:tmax']);
    o.at = 501;
    o.tmax = 120;
    expect(parse(o).ok).toBe(true);
  });
  it('normalizes true/false in 0/1 fields and rejects other values', () => {
    const o = minimalRequest();
    o.test = true;
    o.regs = { coppa: false, gdpr: 2 };
    expect(fields(o)).toEqual(['invalid_value:regs.gdpr']);
    o.regs.gdpr = 1;
    const r = parse(o);
    expect(r.ok && [r.value.request.test, r.value.request.regs?.coppa]).toEqual([1, 0]);
  });
  it('checks cur codes', () => {
    const o = minimalRequest();
    o.cur = ['usd'];
    expect(fields(o)).toEqual(['invalid_value:cur[0]']);
  });
});

describe('parseBidRequest: Imp (3.2.4) and media (3.2.6-3.2.10)', () => {
  it('rejects duplicate imp ids', () => {
    const o = minimalRequest();
    o.imp.push({ id: '1', banner: { w: 1, h: 1 } });
    expect(fields(o)).toEqual(['duplicate:imp[1].id']);
  });
  it('needs a media object per imp', () => {
    const o = minimalRequest();
    o.imp[0] = { id: '1' };
    expect(fields(o)).toEqual(['missing:imp[0]']);
  });
  it('checks bidfloor, bidfloorcur, sizes', () => {
    const o = minimalRequest();
    o.imp[0].bidfloor = -1;
    o.imp[0].bidfloorcur = 'EURO';
    o.imp[0].banner = { w: 0, h: 2.5, format: [{ w: 300 }, {}] };
    expect(fields(o)).toEqual([
      'missing:imp[0].banner.format[0].h',
      'missing:imp[0].banner.format[1].w',
      'invalid_value:imp[0].banner.w',
      'invalid_value:imp[0].banner.h',
      'invalid_value:imp[0].bidfloor',
      'invalid_value:imp[0].bidfloorcur',
    ]);
  });
  it('caps floors so money in micros stays a safe integer', () => {
    const o = minimalRequest();
    o.imp[0].bidfloor = 1e300;
    expect(fields(o)).toEqual(['invalid_value:imp[0].bidfloor']);
  });
  it('names the path and the problem in the message', () => {
    const o = minimalRequest();
    o.imp[0].banner.w = '300';
    const e = errorsOf(o)[0];
    expect(e).toEqual({
      code: 'wrong_type',
      field: 'imp[0].banner.w',
      message: 'imp[0].banner.w must be an integer, got string',
    });
  });
  it('requires video.mimes and native.request', () => {
    const o = minimalRequest();
    o.imp = [
      { id: '1', video: { w: 640, h: 480 } },
      { id: '2', native: {} },
    ];
    expect(fields(o)).toEqual(['missing:imp[0].video.mimes', 'missing:imp[1].native.request']);
  });
});

describe('parseBidRequest: Pmp/Deal (3.2.11, 3.2.12)', () => {
  it('fills deal defaults and checks deal at', () => {
    const o = minimalRequest();
    o.imp[0].pmp = { private_auction: 1, deals: [{ id: 'd1' }, { id: 'd2', at: 4 }] };
    expect(fields(o)).toEqual(['invalid_value:imp[0].pmp.deals[1].at']);
    o.imp[0].pmp.deals[1].at = 3;
    const r = parse(o);
    expect(r.ok && r.value.request.imp[0]?.pmp?.deals?.[0]).toMatchObject({
      bidfloor: 0,
      bidfloorcur: 'USD',
    });
  });
  it('needs deals when the auction is private', () => {
    const o = minimalRequest();
    o.imp[0].pmp = { private_auction: 1 };
    expect(fields(o)).toEqual(['missing:imp[0].pmp.deals']);
  });
});

describe('parseBidRequest: ext lifted once (3.2.2, 3.2.3, 3.2.20, 3.2.25, 3.2.27)', () => {
  it('moves 2.5 ext fields to their 2.6 homes and out of ext', () => {
    const o = minimalRequest();
    o.regs = {
      ext: {
        gdpr: 1,
        us_privacy: '1YNN',
        gpp: 'DBABMA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA',
        gpp_sid: [2],
        other: 1,
      },
    };
    o.user = {
      id: 'u',
      ext: {
        consent: 'CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA',
        eids: [{ source: 'id5-sync.com', uids: [{ id: 'x', atype: 1 }] }],
      },
    };
    o.source = { ext: { schain: { complete: 1, ver: '1.0', nodes: [{ asi: 'ssp.com', sid: '1', hp: 1 }] } } };
    const r = parse(o);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const q = r.value.request;
    expect(q.regs).toEqual({
      gdpr: 1,
      us_privacy: '1YNN',
      gpp: o.regs.ext.gpp,
      gpp_sid: [2],
      ext: { other: 1 },
    });
    expect(q.user?.consent).toBe(o.user.ext.consent);
    expect(q.user?.eids?.[0]?.source).toBe('id5-sync.com');
    expect(q.user?.ext).toEqual({});
    expect(q.source?.schain?.nodes[0]?.asi).toBe('ssp.com');
  });
  it('keeps the 2.6 field when both locations are set', () => {
    const o = minimalRequest();
    o.regs = { gdpr: 0, ext: { gdpr: 1 } };
    const r = parse(o);
    expect(r.ok && r.value.request.regs).toEqual({ gdpr: 0, ext: {} });
  });
  it('validates lifted values at their 2.6 path', () => {
    const o = minimalRequest();
    o.regs = { ext: { gdpr: 2, us_privacy: 'YY' } };
    o.source = { schain: { ver: '1.0', nodes: [{ asi: 'a' }] } };
    expect(fields(o)).toEqual([
      'missing:source.schain.nodes[0].sid',
      'invalid_value:regs.gdpr',
      'invalid_value:regs.us_privacy',
    ]);
  });
});
