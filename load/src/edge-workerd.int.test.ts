// `./run edge:workerd` end to end: the edge self-hosted as two workerd processes on one port comes
// up, says where, answers on the shared port and on each instance's own, and stops on SIGINT
// leaving nothing listening.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { REPO } from './paths.ts';
import { isListening } from './processes.ts';

describe('./run edge:workerd', () => {
  it('serves the edge as two workerd processes behind one port, and stops cleanly', async () => {
    const cli = spawn(process.execPath, [join(REPO, 'load/src/edge-workerd.ts')], {
      cwd: REPO,
      env: { ...process.env, WORKERD_INSTANCES: '2', PORT: '18787', CORE_URL: 'http://127.0.0.1:1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const [line] = (await once(createInterface({ input: cli.stdout! }), 'line')) as [string];
      const ready = JSON.parse(line) as { ready: boolean; url: string; instances: number; own: string[] };
      expect(ready).toMatchObject({
        ready: true,
        url: 'http://127.0.0.1:18787',
        instances: 2,
        own: ['http://127.0.0.1:18788', 'http://127.0.0.1:18789'],
      });
      const seen = new Set<number>();
      for (let i = 0; i < 40; i++) {
        const r = await fetch(`${ready.url}/healthz`, { headers: { connection: 'close' } });
        seen.add(((await r.json()) as { instance: number }).instance);
      }
      expect([...seen].sort()).toEqual([0, 1]);
      for (const [i, url] of ready.own.entries())
        expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true, part: 'edge', instance: i });
    } finally {
      const exited = once(cli, 'exit');
      cli.kill('SIGINT');
      await exited;
    }
    expect(cli.exitCode === 0 || cli.exitCode === 130).toBe(true);
    for (const port of [18787, 18788, 18789])
      expect(await isListening(`http://127.0.0.1:${port}/healthz`)).toBe(false);
  }, 90_000);
});
