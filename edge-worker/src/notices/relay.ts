// A notice that lands on an instance which does not own its ledger object goes to the owner, as
// it came, and the owner's answer goes back unchanged (ledger-owner.ts says why). The relayed
// request carries the ring's key, so only a peer can make an instance count a notice it does
// not own; without the key the header is ignored and the request is relayed like any other.
import type { InstanceRing } from './ledger-owner.ts';

const RELAY_HEADER = 'x-edge-rtb-relay';
/** The origin the caller used, so links the owner makes (a click's landing) keep it. */
const ORIGIN_HEADER = 'x-edge-rtb-origin';
const RELAY_TIMEOUT_MS = 5_000;

/** The caller's origin when a peer relayed this request, else undefined. */
export function relayedFrom(req: Request, ring: InstanceRing | null): string | undefined {
  const key = ring && req.headers.get(RELAY_HEADER);
  if (!key || !sameSecret(key, ring.key)) return undefined;
  return req.headers.get(ORIGIN_HEADER) ?? new URL(req.url).origin;
}

export async function relayToOwner(req: Request, ring: InstanceRing, owner: number): Promise<Response> {
  const url = new URL(req.url);
  const headers = new Headers({ [RELAY_HEADER]: ring.key, [ORIGIN_HEADER]: url.origin });
  const ua = req.headers.get('user-agent');
  if (ua) headers.set('user-agent', ua);
  try {
    return await fetch(`${ring.peers[owner]}${url.pathname}${url.search}`, {
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(RELAY_TIMEOUT_MS),
    });
  } catch {
    // Not counted anywhere: the caller is told to retry rather than the notice counted twice.
    return Response.json(
      { error: 'owner_unavailable', message: `the instance that counts this notice did not answer; retry` },
      { status: 503, headers: { 'retry-after': '1' } },
    );
  }
}

const enc = new TextEncoder();
function sameSecret(a: string, b: string): boolean {
  const x = enc.encode(a);
  const y = enc.encode(b);
  return x.byteLength === y.byteLength && crypto.subtle.timingSafeEqual(x, y);
}
