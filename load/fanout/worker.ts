// The bare fan-out reference (DESIGN "Performance anchors"): a minimal Hono worker that
// parses the bid request, calls every DSP in parallel, and answers with the best bid. No
// validation, policy, privacy, auction rules or events: run in raw workerd exactly like the
// edge, its CPU per auction is the runtime's floor, so edge minus this = the edge's own cost.
// It times each DSP call and its handler the way the edge does (Date.now() from before the
// fetch to after the answer is parsed; from the request's start to the answer) and reports
// them in x-slowest-dsp-ms / x-handler-ms (and its start, x-handler-start), since it has no events to carry them: the overhead
// bench subtracts the same per-request measurement from both targets.
import { Hono } from 'hono';

type Env = { Bindings: { DSP_URLS: string; DEADLINE_MS: string } };
interface Bid {
  impid: string;
  price: number;
  adm?: string;
}

const app = new Hono<Env>();
app.get('/healthz', (c) => c.json({ ok: true, part: 'bare-fanout' }));
app.post('/openrtb2/auction', async (c) => {
  const t0 = Date.now();
  const body = await c.req.text();
  const request = JSON.parse(body) as { id: string };
  const deadline = AbortSignal.timeout(Number(c.env.DEADLINE_MS || 150));
  let slowest = 0;
  const answers = await Promise.all(
    c.env.DSP_URLS.split(',').map(async (url) => {
      const started = Date.now();
      try {
        const r = await fetch(url, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json' },
          signal: deadline,
        });
        if (r.status !== 200) return [];
        const res = (await r.json()) as { seatbid?: Array<{ seat?: string; bid?: Bid[] }> };
        return (res.seatbid ?? []).flatMap((sb) =>
          (sb.bid ?? []).map((b) => ({ seat: sb.seat ?? '', bid: b })),
        );
      } catch {
        return [];
      } finally {
        slowest = Math.max(slowest, Date.now() - started);
      }
    }),
  );
  let best: { seat: string; bid: Bid } | undefined;
  for (const a of answers.flat()) if (!best || a.bid.price > best.bid.price) best = a;
  c.header('x-slowest-dsp-ms', String(slowest));
  c.header('x-handler-ms', String(Date.now() - t0));
  c.header('x-handler-start', String(t0));
  if (!best) return c.body(null, 204);
  return c.json({ id: request.id, cur: 'USD', seatbid: [{ seat: best.seat, bid: [best.bid] }] });
});

export default app;
