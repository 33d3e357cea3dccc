// The worker behind load/bench/runtime-gc-cost.ts. POST /fetch?n=N&read=R makes N outbound POSTs to
// the bench's answer server, five at a time like a 5-DSP auction, and reads each answer the way R
// says (text, json, arrayBuffer, headers+text as the edge's cappedText does, or not at all);
// `signal=1` passes the five calls one AbortSignal, as the edge's fan-out does. POST /in answers
// an incoming request (reading its body with `body=1`), which is the other half of an auction's
// runtime traffic. GET /gc runs a full collection (workerd started with --expose-gc), so the bench
// can read from V8's --trace-gc what a known number of calls left for the next full GC.

declare const gc: () => void;

let sink = 0;
const ANSWER_HEADERS = { 'content-type': 'application/json' };

export default {
  async fetch(req: Request, env: { ANSWER_URL: string }): Promise<Response> {
    const url = new URL(req.url);
    const q = url.searchParams;
    if (url.pathname === '/gc') {
      gc();
      return new Response('collected');
    }
    if (url.pathname === '/in') {
      if (q.get('body') === '1') sink += (await req.text()).length;
      return new Response('{"ok":true}', { headers: ANSWER_HEADERS });
    }
    const n = Number(q.get('n') ?? 0);
    const read = q.get('read') ?? 'text';
    const body = await req.text();
    for (let i = 0; i < n; i += 5) {
      const signal = q.get('signal') === '1' ? new AbortController().signal : undefined;
      const calls: Promise<number>[] = [];
      for (let k = 0; k < 5 && i + k < n; k++) calls.push(call(env.ANSWER_URL, body, read, signal));
      for (const c of calls) sink += await c;
    }
    return new Response(String(sink & 1));
  },
};

async function call(
  url: string,
  body: string,
  read: string,
  signal: AbortSignal | undefined,
): Promise<number> {
  const res = await fetch(url, { method: 'POST', body, headers: ANSWER_HEADERS, signal });
  switch (read) {
    case 'none':
      return res.status;
    case 'json':
      return Object.keys((await res.json()) as object).length;
    case 'arrayBuffer':
      return (await res.arrayBuffer()).byteLength;
    case 'headers+text':
      return (
        Number(res.headers.get('content-length')) +
        (res.headers.has('content-encoding') ? 1 : 0) +
        (await res.text()).length
      );
    default:
      return (await res.text()).length;
  }
}
