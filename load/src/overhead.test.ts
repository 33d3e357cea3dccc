import { describe, expect, it } from 'vitest';
import {
  type OverheadStep,
  overheadChart,
  overheadFigures,
  overheadTable,
  pairedSummary,
  pairedTable,
  pairOrder,
  type TimedAnswer,
  timedAnswer,
  timingFromHeaders,
  warmupRate,
} from './overhead.ts';

const row = (target: OverheadStep['target'], qps: number, cpu: number): OverheadStep => ({
  target,
  qps,
  auctions: qps * 10,
  answeredPerS: qps,
  overheadP50: 1,
  overheadP99: 4,
  overAimShare: 0.004,
  fromScheduleP50: 1.5,
  fromScheduleP99: 5,
  generatorLate: [0.6, 1.1],
  internalP50: 0.5,
  internalP99: 2,
  nominalP50: 3,
  nominalP99: 9,
  slowestDspP50: 6,
  slowestDspP99: 11,
  unmatched: { noId: 0, notFound: 0 },
  e2eP99: 14,
  timeouts: 0,
  errors: 0,
  cpuMsPerAuction: cpu,
  otherCpuMs: { 'DSP fleet': 500, 'load generator': 1000 },
});

describe('overhead report', () => {
  const rows = [
    row('edge (raw workerd)', 50, 3.5),
    row('edge (raw workerd)', 100, 2.9),
    row('bare-fanout (raw workerd)', 50, 1.9),
  ];

  it('tabulates every step: new, in-handler and old overhead, with the others CPU as % of a core', () => {
    const t = overheadTable(rows, 10);
    expect(t).toContain(
      '| edge (raw workerd) | 50 | 50 | 1.00 / 4.00 | 0.40 | 1.50 / 5.00 | 0.60 / 1.10 | 0.50 / 2.00 | 3.00 / 9.00 | 6.00 / 11.00 | 14.00 | 0 / 0 | 0 | 0 | 3.500 | n/a | 5 / 10 | - |',
    );
    const withCore = overheadTable(
      [{ ...row('edge (raw workerd)', 50, 3.5), otherCpuMs: { core: 250 } }],
      10,
    );
    expect(withCore).toContain('| 0 / 0 | 0.500 |'); // 250 ms of core CPU over 500 auctions
    const waited = overheadTable(
      [{ ...row('edge (raw workerd)', 50, 3.5), runQueueWaitMsPerAuction: 0.4 }],
      10,
    );
    expect(waited).toContain('| 3.500 | 0.400 |');
    const gc = {
      young: 90,
      youngMs: 270.4,
      full: 2,
      fullMs: 180,
      longestMs: 120.2,
      overMs: 5,
      stoppedOverShare: 0.0057,
    };
    expect(overheadTable([{ ...row('edge (raw workerd)', 50, 3.5), gc }], 10)).toContain(
      '| - | 90 (270) / 2 (180), 120 | 0.57 |',
    );
    expect(t).toContain('| 5 / 10 | - | - | - |'); // not traced: no GC columns
    expect(t.split('\n')).toHaveLength(5);
  });

  it('draws one line per target', () => {
    const html = overheadChart(rows);
    expect(html.match(/<svg/g)).toHaveLength(3);
    expect(html).toContain('bare-fanout (raw workerd)');
  });
});

describe('overhead per request', () => {
  it('reads the bare fan-out timing headers, and the edge auction id from bidid', () => {
    expect(timingFromHeaders({ 'x-slowest-dsp-ms': '7', 'x-handler-ms': '8' })).toEqual({
      slowestDspMs: 7,
      handlerMs: 8,
    });
    expect(timingFromHeaders({ 'x-slowest-dsp-ms': '7' })).toBeUndefined();
    expect(timingFromHeaders({ 'x-slowest-dsp-ms': 'x', 'x-handler-ms': '8' })).toBeUndefined();
    expect(
      timedAnswer({ latencyMs: 9, headers: {}, body: '{"id":"r1","bidid":"a-1","seatbid":[]}' }),
    ).toEqual({ latencyMs: 9, auctionId: 'a-1' });
    expect(timedAnswer({ latencyMs: 9, headers: {}, body: '{"id":"r1","nbr":2}' })).toEqual({ latencyMs: 9 });
    // Headers win over a bidid: the timing is then the answer's own.
    expect(
      timedAnswer({
        latencyMs: 9,
        headers: { 'x-slowest-dsp-ms': '6', 'x-handler-ms': '7' },
        body: '{"bidid":"a-1"}',
      }),
    ).toEqual({ latencyMs: 9, timing: { slowestDspMs: 6, handlerMs: 7 } });
  });

  it('subtracts each request its own slowest DSP, then takes percentiles of the differences', () => {
    // Request a: fast DSPs but a slow client path; request b: a slow DSP, nothing else slow.
    // The difference of percentiles (P99 e2e 40 minus P99 DSP 35 = 5) would hide a's 18 ms.
    const answers: TimedAnswer[] = [
      { latencyMs: 24, auctionId: 'a' },
      { latencyMs: 40, auctionId: 'b' },
      { latencyMs: 8, timing: { slowestDspMs: 6, handlerMs: 7 } },
      { latencyMs: 30, auctionId: 'lost' },
      { latencyMs: 30 },
    ];
    const timings: Record<string, { slowestDspMs: number; handlerMs: number }> = {
      a: { slowestDspMs: 6, handlerMs: 9 },
      b: { slowestDspMs: 35, handlerMs: 37 },
    };
    const f = overheadFigures(answers, (id) => timings[id]);
    expect(f.matched).toBe(3);
    expect(f.unmatched).toEqual({ noId: 1, notFound: 1 });
    // e2e overheads 18, 5, 2 -> P50 5, P99 18; in-handler 3, 2, 1 -> P50 2, P99 3.
    expect([f.overheadP50, f.overheadP99]).toEqual([5, 18]);
    // Over the 5 ms aim: only a's 18 (b's 5 is not over it).
    expect(f.overAimShare).toBeCloseTo(1 / 3, 12);
    expect([f.fromScheduleP50, f.fromScheduleP99]).toEqual([5, 18]);
    expect([f.internalP50, f.internalP99]).toEqual([2, 3]);
    expect([f.slowestDspP50, f.slowestDspP99]).toEqual([6, 35]);
  });

  it('counts end-to-end from the send, and from the schedule beside it', () => {
    // The same 12 ms answer with a 2.5 ms DSP wait, sent on time and sent 1.5 ms late: the late
    // one's 1.5 ms were spent in the load generator, before the request existed for the target.
    const answers: TimedAnswer[] = [
      { latencyMs: 12, sendLagMs: 0, timing: { slowestDspMs: 2.5, handlerMs: 4 } },
      { latencyMs: 12, sendLagMs: 1.5, timing: { slowestDspMs: 2.5, handlerMs: 4 } },
      { latencyMs: 12, timing: { slowestDspMs: 2.5, handlerMs: 4 } }, // no lag known: counted whole
    ];
    const f = overheadFigures(answers, () => undefined);
    expect([f.overheadP50, f.overheadP99]).toEqual([9.5, 9.5]);
    expect(f.fromScheduleP50).toBe(9.5);
    expect(f.generatorLate).toEqual([0, 1.5]);
    const late = overheadFigures([answers[1] as TimedAnswer], () => undefined);
    expect([late.overheadP99, late.fromScheduleP99]).toEqual([8, 9.5]);
  });

  it('splits the slowest 1% by where the time went, on the two clocks', () => {
    // 200 quick requests and two slow ones (the worst 1% is 3 requests, their medians the slow ones'): sent 2 ms late, handler started 30 ms after the send
    // (a queue before the handler), 1 ms of its own work, answer read 1 ms after the handler ended.
    const quick: TimedAnswer[] = Array.from({ length: 200 }, (_, i) => ({
      latencyMs: 9,
      sendLagMs: 0,
      sentAtMs: 1000 + i,
      answeredAtMs: 1009 + i,
      timing: { slowestDspMs: 7, handlerMs: 8, startedAtMs: 1000 + i },
    }));
    const slow: TimedAnswer = {
      latencyMs: 42,
      sendLagMs: 2,
      sentAtMs: 5000,
      answeredAtMs: 5040,
      timing: { slowestDspMs: 8, handlerMs: 9, startedAtMs: 5030 },
    };
    const f = overheadFigures([...quick, slow, slow], () => undefined);
    expect(f.tail).toEqual({ requests: 3, sendLagMs: 2, toHandlerMs: 30, inHandlerMs: 1, afterHandlerMs: 1 });
    // Without the load generator's clock readings there is no split.
    expect(
      overheadFigures([{ latencyMs: 9, timing: { slowestDspMs: 7, handlerMs: 8 } }], () => undefined).tail,
    ).toBeUndefined();
  });

  it('warms up at the top rate, and at no less than 200 req/s', () => {
    expect(warmupRate([50, 100])).toBe(200);
    expect(warmupRate([100, 400])).toBe(400);
  });

  it('gives NaN, not zero, when nothing matched', () => {
    const f = overheadFigures([{ latencyMs: 5 }], () => undefined);
    expect(f.overheadP99).toBeNaN();
    expect(f.overAimShare).toBeNaN();
    expect(f.unmatched).toEqual({ noId: 1, notFound: 0 });
  });
});

describe('paired runs', () => {
  const step = (target: OverheadStep['target'], qps: number, pair: number, p99: number, cpu: number) => ({
    ...row(target, qps, cpu),
    overheadP99: p99,
    pair,
  });
  const edge = 'edge (raw workerd)' as const;
  const bare = 'bare-fanout (raw workerd)' as const;

  it('alternates which side goes first, so a drifting machine favours neither', () => {
    expect([0, 1, 2, 3].map(pairOrder)).toEqual([
      ['edge', 'bare'],
      ['bare', 'edge'],
      ['edge', 'bare'],
      ['bare', 'edge'],
    ]);
  });

  it('takes the CPU difference within each pair, then the median and range over pairs', () => {
    const rows = [
      step(edge, 50, 1, 4.5, 2.4),
      step(bare, 50, 1, 3.5, 2.0), // +0.4
      step(bare, 50, 2, 3.9, 1.5),
      step(edge, 50, 2, 6.0, 2.2), // +0.7
      step(edge, 50, 3, 4.0, 1.9),
      step(bare, 50, 3, 3.0, 1.8), // +0.1
      step(edge, 100, 1, 9.0, 2.0),
      step(bare, 100, 1, 8.0, 1.0), // +1.0
      step(edge, 200, 1, 9.0, 2.0), // no bare step: not a pair
    ];
    const [r50, r100, ...rest] = pairedSummary(rows);
    expect(rest).toEqual([]);
    expect(r50).toMatchObject({ qps: 50, pairs: 3, p99UnderAim: 2, cpuUnderAim: 2 });
    expect(r50?.cpuDelta.median).toBeCloseTo(0.4);
    expect(r50?.cpuDelta.min).toBeCloseTo(0.1);
    expect(r50?.cpuDelta.max).toBeCloseTo(0.7);
    expect(r50?.edgeP99).toEqual({ median: 4.5, min: 4, max: 6 });
    expect(r100).toMatchObject({ qps: 100, pairs: 1, p99UnderAim: 0, cpuUnderAim: 0 });
    const t = pairedTable([r50!, r100!]).split('\n');
    expect(t).toHaveLength(4);
    expect(t[2]).toContain('| 50 | 3 | 4.50 [4.00-6.00] | 3.50 [3.00-3.90] | 5.00 [5.00-5.00] |');
    expect(t[2]).toContain(
      '| 0.40 [0.40-0.40] / 0.40 [0.40-0.40] | - | 0.400 [0.100-0.700] | 2 of 3 | - / 2 of 3 |',
    );
    expect(r50?.cpuDeltaTogether).toBeUndefined();
  });

  it('takes the CPU aim from the same-time steps and the P99 aim from the alternating ones', () => {
    const at = (target: OverheadStep['target'], pair: number, p99: number, cpu: number) => ({
      ...step(target, 50, pair, p99, cpu),
      together: true,
    });
    const rows = [
      step(edge, 50, 1, 4.5, 2.9),
      step(bare, 50, 1, 3.5, 2.0), // +0.9 alternating
      at(edge, 1, 9.0, 2.4),
      at(bare, 1, 8.0, 2.1), // +0.3 at once; its P99 of 9 ms is under both loads
      step(bare, 50, 2, 3.9, 1.5),
      step(edge, 50, 2, 4.2, 1.6), // +0.1
      at(edge, 2, 9.5, 2.5),
      at(bare, 2, 8.5, 1.9), // +0.6
    ];
    const [r] = pairedSummary(rows);
    expect(r).toMatchObject({
      pairs: 2,
      togetherPairs: 2,
      cpuTogetherUnderAim: 1,
      cpuUnderAim: 1,
      p99UnderAim: 2,
    });
    expect(r?.edgeP99).toEqual({ median: 4.35, min: 4.2, max: 4.5 });
    expect(r?.cpuDelta.median).toBeCloseTo(0.5);
    expect(r?.cpuDeltaTogether?.min).toBeCloseTo(0.3);
    expect(r?.cpuDeltaTogether?.max).toBeCloseTo(0.6);
    const line = pairedTable([r!]).split('\n')[2];
    expect(line).toContain('| 0.450 [0.300-0.600] | 0.500 [0.100-0.900] | 2 of 2 | 1 of 2 / 1 of 2 |');
    expect(overheadTable(rows, 30)).toContain('| edge (raw workerd) #1 (same time) | 50 |');
    expect(overheadChart(rows)).toContain('bare-fanout (raw workerd) (same time)');
  });

  it("says where the bare fan-out's own GC pauses already put P99 over the aim", () => {
    const gc = (share: number) => ({
      young: 0,
      youngMs: 0,
      full: 1,
      fullMs: 50,
      longestMs: 50,
      overMs: 5,
      stoppedOverShare: share,
    });
    const traced = (s: OverheadStep, share: number) => ({ ...s, gc: gc(share) });
    const rows = [
      traced(step(edge, 200, 1, 19, 1.9), 0.012),
      traced(step(bare, 200, 1, 21, 1.5), 0.011), // 1.1% of the step: rules the aim out
      traced(step(bare, 200, 2, 4.8, 1.5), 0.004),
      traced(step(edge, 200, 2, 6, 1.9), 0.006),
    ];
    const [r] = pairedSummary(rows);
    expect(r?.bareGcRulesOut).toBe(1);
    expect(r?.bareGcStop?.median).toBeCloseTo(0.75);
    expect(r?.edgeGcStop?.max).toBeCloseTo(1.2);
    expect(pairedTable([r!]).split('\n')[2]).toMatch(
      /\| 0\.90 \[0\.60-1\.20\] \/ 0\.75 \[0\.40-1\.10\] \| 1 of 2 \|$/,
    );
    // A pair without traces in both steps leaves the columns out rather than count it as zero.
    const [u] = pairedSummary([rows[0]!, step(bare, 200, 1, 21, 1.5)]);
    expect(u?.bareGcRulesOut).toBeUndefined();
    expect(pairedTable([u!]).split('\n')[2]).toMatch(/\| - \| - \|$/);
    // The chart gains a GC panel, with the 1% line, only when steps were traced.
    expect(overheadChart(rows).match(/<svg/g)).toHaveLength(4);
    expect(overheadChart(rows)).toContain('GC pause had &gt; 5 ms left');
  });

  it('has no summary when no step belongs to a pair', () => {
    expect(pairedSummary([row(edge, 50, 2)])).toEqual([]);
    expect(pairedTable([])).toBe('');
  });

  it('an even number of pairs takes the middle two for the median', () => {
    const rows = [
      step(edge, 50, 1, 4, 2.2),
      step(bare, 50, 1, 3, 2.0),
      step(edge, 50, 2, 6, 2.6),
      step(bare, 50, 2, 3, 2.0),
    ];
    expect(pairedSummary(rows)[0]?.cpuDelta.median).toBeCloseTo(0.4);
    expect(pairedSummary(rows)[0]?.edgeP99.median).toBe(5);
  });
});
