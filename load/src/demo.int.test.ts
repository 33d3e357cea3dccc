// The demo end to end (`npm run demo -- --once`, shortened): real core, real edge in workerd,
// the DSP fleet and the simulators; it must print a summary, exit 0 and leave no process behind.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './paths.ts';

const listening = async (url: string) => {
  try {
    await fetch(url, { signal: AbortSignal.timeout(500) });
    return true;
  } catch {
    return false;
  }
};

describe('npm run demo -- --once', () => {
  it('runs the exchange end to end and cleans up', async () => {
    const r = spawnSync(process.execPath, [join(REPO, 'load/src/demo.ts'), '--once'], {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, DEMO_SECONDS: '5', DEMO_QPS: '50' },
      timeout: 110_000,
    });
    expect(r.stderr).not.toContain('demo failed');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/auctions: \d+ answered/);
    expect(r.stdout).toContain('latency (valid): P50');
    for (const url of [
      'http://127.0.0.1:8080/healthz',
      'http://127.0.0.1:8787/healthz',
      'http://127.0.0.1:9101/',
    ])
      expect(await listening(url)).toBe(false);
  }, 120_000);
});
