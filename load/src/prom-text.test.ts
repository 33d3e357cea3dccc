import { describe, expect, it } from 'vitest';
import { parsePromText, sumOf } from './prom-text.ts';

const text = `# HELP x requests
# TYPE edge_rtb_core_http_requests_total counter
edge_rtb_core_http_requests_total{route="/v1/leases",status="200"} 12
edge_rtb_core_http_requests_total{route="/v1/events",status="200"} 30
edge_rtb_core_http_requests_total{route="/metrics",status="200"} 4
edge_rtb_core_lease_grants_total 7
weird{a="q\\"uote"} 1
`;

describe('parsePromText', () => {
  it('reads names, labels and values', () => {
    const s = parsePromText(text);
    expect(s).toHaveLength(5);
    expect(s[0]).toEqual({
      name: 'edge_rtb_core_http_requests_total',
      labels: { route: '/v1/leases', status: '200' },
      value: 12,
    });
    expect(s[4]?.labels.a).toBe('q"uote');
  });

  it('sums by name and label', () => {
    const s = parsePromText(text);
    expect(sumOf(s, /http_requests_total$/, (l) => l.route?.startsWith('/v1/') ?? false)).toBe(42);
    expect(sumOf(s, /lease_grants/)).toBe(7);
  });
});
