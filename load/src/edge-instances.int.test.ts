// The edge self-hosted as two workerd processes (WORKERD_INSTANCES=2, raw workerd), with the real
// core and DSP fleet: SSPs reach both on one shared port, and a notice is counted once whichever
// instance each copy of it reaches (the instance owning its ledger object counts it, the other
// relays it there, notices/ledger-owner.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRng } from './prng.ts';
import { fleet } from './scenarios/baseline.ts';
import { DEV_SSP_KEY, EDGE_URL, type Stack, startStack } from './stack.ts';
import { DEFAULT_MIX, makeRequest } from './traffic-mix.ts';
import { instanceUrls } from './workerd-config.ts';

const [A, B] = instanceUrls(EDGE_URL, 2) as [string, string];

async function auction(url: string, body: string): Promise<{ status: number; json: unknown }> {
  const r = await fetch(`${url}/openrtb2/auction`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': DEV_SSP_KEY },
    body,
  });
  return { status: r.status, json: r.status === 200 ? await r.json() : await r.text() };
}

/** The path and query of a won bid's nurl, from a fresh auction on `url`. */
async function wonNurl(url: string, seq: number): Promise<string> {
  const rng = createRng(seq);
  for (let i = 0; i < 200; i++) {
    const req = makeRequest(rng, seq * 1000 + i, { ...DEFAULT_MIX, botShare: 0, malformedShare: 0 });
    const r = await auction(url, req.body);
    const nurl = (r.json as { seatbid?: Array<{ bid: Array<{ nurl?: string }> }> }).seatbid?.[0]?.bid[0]
      ?.nurl;
    if (nurl) {
      const u = new URL(nurl);
      return `${u.pathname}${u.search}`;
    }
  }
  throw new Error('no auction won in 200 tries');
}

const notice = async (url: string, path: string, headers: Record<string, string> = {}) => {
  const r = await fetch(`${url}${path}`, { headers });
  return { status: r.status, body: (await r.json()) as { status?: string } };
};

describe('the edge as two workerd instances (WORKERD_INSTANCES=2)', () => {
  let stack: Stack | undefined;
  const runDir = mkdtempSync(join(tmpdir(), 'edge-instances-'));

  beforeAll(async () => {
    vi.stubEnv('WORKERD_INSTANCES', '2');
    stack = await startStack({ runDir, mode: 'single-node', dsps: fleet(), seed: 7, edgeRuntime: 'raw' });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    vi.unstubAllEnvs();
    rmSync(runDir, { recursive: true, force: true });
  });

  it('serves the shared port from both instances, each also on its own', async () => {
    const seen = new Set<number>();
    for (let i = 0; i < 40; i++) {
      // A new connection each time: the kernel gives each to whichever instance accepts first.
      const r = await fetch(`${EDGE_URL}/healthz`, { headers: { connection: 'close' } });
      seen.add(((await r.json()) as { instance: number }).instance);
    }
    expect([...seen].sort()).toEqual([0, 1]);
    for (const [i, url] of [A, B].entries()) {
      const r = await fetch(`${url}/healthz`);
      expect(await r.json()).toEqual({ ok: true, part: 'edge', instance: i });
    }
  });

  it('counts a notice once, whichever instances its copies reach', async () => {
    for (let seq = 1; seq <= 4; seq++) {
      const path = await wonNurl(seq % 2 ? A : B, seq);
      const first = await notice(seq % 2 ? B : A, path);
      expect(first).toEqual({ status: 200, body: { status: 'accepted' } });
      for (const url of [A, B, EDGE_URL]) expect((await notice(url, path)).body.status).toBe('duplicate');
    }
  });

  it('ignores a relay header without the key: the notice still goes to its owner', async () => {
    const path = await wonNurl(A, 9);
    // Honoured, the forged header would make the non-owner count it too: two 'accepted'.
    const statuses: Array<string | undefined> = [];
    for (const url of [A, B]) {
      const r = await notice(url, path, {
        'x-edge-rtb-relay': 'f'.repeat(64),
        'x-edge-rtb-origin': 'http://x',
      });
      expect(r.status).toBe(200);
      statuses.push(r.body.status);
    }
    expect(statuses.sort()).toEqual(['accepted', 'duplicate']);
  });
});
