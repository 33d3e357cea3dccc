// serve.ts as the demo and benchmarks use it: one JSON ready line, a working edge, and after
// SIGTERM no workerd left behind.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SERVE = join(import.meta.dirname, 'serve.ts');

describe('edge-worker/scripts/serve.ts', () => {
  it('prints a ready line, serves, and stops workerd with itself on SIGTERM', async () => {
    const child = spawn(process.execPath, [SERVE], {
      env: { ...process.env, PORT: '0', CORE_URL: 'http://127.0.0.1:9', EDGE_TOKEN: 't' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      child.on('exit', (code) => reject(new Error(`serve exited ${code} before ready`)));
    });
    const ready = JSON.parse(line) as { ready: boolean; url: string; pid: number };
    expect(ready.ready).toBe(true);
    const workerd = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8')
      .trim()
      .split(' ')
      .filter((p) => p && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('workerd'));
    expect(workerd).toHaveLength(1);
    expect(await (await fetch(`${ready.url}/healthz`)).json()).toEqual({ ok: true, part: 'edge' });
    // No core reachable: the edge says so with a 503, it does not hang or crash.
    const res = await fetch(`${ready.url}/openrtb2/auction`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(503);

    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    // 0 from our handler, or 143 (128 + SIGTERM) when Miniflare's own exit hook, which also
    // kills workerd, gets there first: either way a clean stop.
    expect([0, 143]).toContain(await exited);
    // Gone, or a zombie waiting for init to reap it: either way no longer running.
    const running = () => {
      const stat = `/proc/${workerd[0]}/stat`;
      return existsSync(stat) && readFileSync(stat, 'utf8').split(') ')[1]?.[0] !== 'Z';
    };
    for (let i = 0; i < 20 && running(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(running()).toBe(false);
  }, 60_000);
});
