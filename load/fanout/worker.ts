// The bare fan-out reference (DESIGN "Performance anchors"): a minimal Hono worker that
// parses the bid request, calls every DSP in parallel, and answers with the best bid. No
// validation, policy, privacy, auction rules or events: run in raw workerd exactly like the
// edge, its CPU per auction is the runtime's floor, so edge minus this = the edge's own cost.
// It times each DSP call and its handler the way the edge does (Date.now() from before the
// fetch to after the answer is parsed; from the request's start to the answer) and reports
// them in x-slowest-dsp-ms / x-handler-ms (and its start, x-handler-start), since it has no events to carry them: the overhead
// bench subtracts the same per-request measurement from both targets.
//
// SPIN_ITERATIONS / GARBAGE_OBJECTS (set from OVERHEAD_BARE_WORK, docs/load.md) add work of a known
// size to every auction, half before the fan-out and half after the answers: a calibration of how
// far the reference's latency tail moves per ms of thread time or per KB of short-lived garbage,
// against which the edge's own extra cost can be read.
import { Hono } from 'hono';

type Env = {
  Bindings: { DSP_URLS: string; DEADLINE_MS: string; SPIN_ITERATIONS?: string; GARBAGE_OBJECTS?: string };
};

// Module state the added work writes to, so the optimizer can neither drop the loop nor keep the
// objects off the heap (escape analysis).
let spun = 1;
const garbage: unknown[] = [undefined];

function addedWork(env: Env['Bindings']): void {
  const spins = Number(env.SPIN_ITERATIONS) || 0;
  // An LCG modulo 65537: every value stays a small integer (a Smi), so even unoptimized code
  // allocates nothing (a 32-bit xorshift overflowed into heap numbers before the JIT got to it).
  let x = spun;
  for (let i = 0; i < spins; i++) x = (x * 75 + 74) % 65537;
  spun = x;
  const n = Number(env.GARBAGE_OBJECTS) || 0;
  if (n === 0) return;
  const made: unknown[] = [];
  for (let i = 0; i < n; i++) made.push({ a: i, b: x, c: i + 1 });
  garbage[0] = made;
}
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
  addedWork(c.env);
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
  addedWork(c.env);
  let best: { seat: string; bid: Bid } | undefined;
  for (const a of answers.flat()) if (!best || a.bid.price > best.bid.price) best = a;
  c.header('x-slowest-dsp-ms', String(slowest));
  c.header('x-handler-ms', String(Date.now() - t0));
  c.header('x-handler-start', String(t0));
  if (!best) return c.body(null, 204);
  return c.json({ id: request.id, cur: 'USD', seatbid: [{ seat: best.seat, bid: [best.bid] }] });
});

export default app;
