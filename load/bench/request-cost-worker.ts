// The worker behind load/bench/request-cost.ts: per request it reads the body, then parses it as a
// BidRequest `parse` times and allocates `kb` KB of short-lived small objects, and answers; with
// `hop=1` it also registers, under waitUntil, a zero-delay timer that fires after the answer (what
// deferring work past the response costs the runtime when nothing runs in it).
import { parseBidRequest } from '@edge-rtb/shared/openrtb/parse';

let keep: unknown;

export default {
  async fetch(req: Request, _env: unknown, ctx: { waitUntil(p: Promise<unknown>): void }): Promise<Response> {
    const q = new URL(req.url).searchParams;
    const parse = Number(q.get('parse') ?? 0);
    const kb = Number(q.get('kb') ?? 0);
    if (q.get('hop') === '1') ctx.waitUntil(new Promise((r) => setTimeout(r, 0)));
    const text = await req.text();
    let ok = 0;
    for (let i = 0; i < parse; i++) if (parseBidRequest(text).ok) ok++;
    // ~32 objects of {a, b, c} (about 32 bytes with the array slot) per KB.
    const objs: object[] = [];
    for (let i = 0; i < kb * 32; i++) objs.push({ a: i, b: 'x', c: null });
    keep = objs;
    return new Response(String(ok + (keep ? 0 : 1)));
  },
};
