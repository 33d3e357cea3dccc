// SSP authentication: the key arrives as `X-Api-Key` or `Authorization: Bearer`; the snapshot
// holds only SHA-256 hashes, so the key is hashed and looked up. Paused SSPs are refused here too.
import type { MiddlewareHandler } from 'hono';
import type { EdgeEnv } from '../env.ts';
import { problem } from '../outcomes.ts';

export const sspAuth = (): MiddlewareHandler<EdgeEnv> =>
  async function sspAuth(c, next) {
    const key = c.req.header('x-api-key') ?? bearer(c.req.header('authorization'));
    if (!key || key.length > 512) return problem(c, { reason: 'auth_missing' });
    const view = c.get('snapshot');
    let ssp = view.knownKeys.get(key);
    if (!ssp) {
      ssp = view.sspByKeyHash.get(await sha256Hex(key));
      if (!ssp) return problem(c, { reason: 'auth_unknown' });
      // Only keys that matched are remembered (bounded), so unknown keys cannot grow the map.
      if (view.knownKeys.size < 1_000) view.knownKeys.set(key, ssp);
    }
    if (ssp.status !== 'active') return problem(c, { reason: 'ssp_paused', sspId: ssp.id });
    c.set('ssp', ssp);
    await next();
  };

function bearer(h: string | undefined): string | undefined {
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m?.[1];
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  let hex = '';
  for (const b of new Uint8Array(digest)) hex += b.toString(16).padStart(2, '0');
  return hex;
}
