import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.ts';
import { parseReportQuery } from './params.ts';

describe('report parameters', () => {
  it('defaults to the last hour and accepts ISO or epoch ms', () => {
    const r = parseReportQuery({
      from: '2026-11-25T16:00:00Z',
      to: String(Date.parse('2026-11-25T17:00:00Z')),
      step: 'hour',
    });
    expect(r).toEqual({
      ok: true,
      q: expect.objectContaining({
        from: Date.parse('2026-11-25T16:00:00Z'),
        to: Date.parse('2026-11-25T17:00:00Z'),
        step: 'hour',
      }),
    });
    const d = parseReportQuery({});
    expect(d.ok && d.q.to - d.q.from).toBe(3_600_000);
  });
  it('names each bad parameter', () => {
    const r = parseReportQuery({ step: 'week', campaignId: "x' OR 1=1", to: '0000000000', extra: '1' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.field).sort()).toEqual(['campaignId', 'extra', 'step']);
  });
});

describe('toCsv', () => {
  it('quotes what needs quoting and joins arrays', () => {
    expect(toCsv([{ a: 'x,y', b: [1, 2], c: 'say "hi"' }])).toBe('a,b,c\n"x,y",1|2,"say ""hi"""\n');
    expect(toCsv([])).toBe('');
  });
});
